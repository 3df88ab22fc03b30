package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that completes the WebSocket handshake by hand, asks for a long response and never reads: Sluice's
 * queue towards it stays within {@code realtime.queue-size} plus one message, the upstream is paused, and
 * after {@code realtime.stall-timeout} the session is closed (1013, or the connection cut) and the fake's
 * session too.
 */
@LeakChecked
class RealtimeSlowClientTest {

    static final int QUEUE = 64 * 1024;
    static final Duration STALL = Duration.ofSeconds(1);
    /** One message: an audio delta is 2,400 bytes as base64 in a JSON event, under 3.5 KB. */
    static final int ONE_MESSAGE = 4096;

    private static final Pattern QUEUED = Pattern.compile("queued=(\\d+)B/(\\d+)B");

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(6000).deltaInterval(Duration.ZERO));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "routes.gpt-realtime.targets",
            "oai:gpt-realtime",
            "realtime.queue-size",
            QUEUE / 1024 + "KiB",
            "realtime.stall-timeout",
            STALL.toMillis() + "ms");

    @Test
    void aClientThatNeverReadsIsClosedWithinTheStallTimeoutAndItsQueueStaysBounded() throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(
                    new java.net.InetSocketAddress("127.0.0.1", SLUICE.baseUri().getPort()));
            RealtimeWs.RawResponse r = RealtimeWs.rawHandshake(
                    s,
                    "/v1/realtime?model=gpt-realtime",
                    "Authorization",
                    "Bearer " + SluiceExtension.CLIENT_KEY,
                    "Sec-WebSocket-Protocol",
                    "realtime");
            assertThat(r.status()).isEqualTo(101);
            s.getOutputStream().write(RealtimeWs.maskedTextFrame(RealtimeWs.userText("talk for a long time")));
            s.getOutputStream().write(RealtimeWs.maskedTextFrame(RealtimeWs.RESPONSE_CREATE));
            s.getOutputStream().flush();

            long maxQueued = 0;
            long fullAt = 0;
            long closedAt = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos()) {
                JsonNode res = RealtimeWs.JSON.readTree(
                        Http.get(SLUICE.baseUri(), "/system/resources").body());
                boolean open = false;
                for (JsonNode n : res.path("resources")) {
                    if (n.path("kind").asText().equals("realtime-session")) {
                        open = true;
                        Matcher m = QUEUED.matcher(n.path("name").asText());
                        assertThat(m.find()).isTrue();
                        long queued = Long.parseLong(m.group(1));
                        assertThat(Long.parseLong(m.group(2))).isEqualTo(QUEUE);
                        maxQueued = Math.max(maxQueued, queued);
                        if (fullAt == 0 && queued >= QUEUE / 2) { // sampled: the exact moment it filled may be missed
                            fullAt = System.nanoTime();
                        }
                    }
                }
                if (!open && maxQueued > 0) {
                    closedAt = System.nanoTime();
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(maxQueued).as("queue filled (seen at least half full)").isGreaterThanOrEqualTo(QUEUE / 2);
            assertThat(maxQueued)
                    .as("queue within its bound plus one message")
                    .isLessThanOrEqualTo(QUEUE + ONE_MESSAGE);
            assertThat(closedAt).as("session closed within 30 s").isPositive();
            long ms = (closedAt - fullAt) / 1_000_000;
            assertThat(ms)
                    .as("closed within the stall timeout and a sweep of the queue seen filling")
                    .isLessThanOrEqualTo(STALL.toMillis() + 1500);
            await().atMost(Duration.ofSeconds(5)).until(() -> FAKE.provider().openRealtimeSessions() == 0);
            JsonNode stats = RealtimeWs.JSON
                    .readTree(Http.get(SLUICE.baseUri(), "/system/stats").body())
                    .path("realtime");
            assertThat(stats.path("closes").path("1013").asLong()).isEqualTo(1);

            // what the client gets once it reads: frames, then a 1013 close frame or the connection's end
            int code = lastCloseCode(s);
            assertThat(code).isIn(1013, -1);
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(SLUICE.sluice().leaks()).isEmpty());
    }

    /** Reads server frames to the end: the close frame's code, or -1 when the connection ended without one. */
    private static int lastCloseCode(Socket s) throws IOException {
        s.setSoTimeout(5000);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 1 << 16));
        try {
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                if ((b0 & 0x0f) == 0x8) {
                    return len >= 2 ? in.readUnsignedShort() : 1005;
                }
                skip(in, len);
            }
        } catch (EOFException | java.net.SocketException | SocketTimeoutException ended) {
            return -1;
        }
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                k = 1;
            }
            n -= k;
        }
    }
}
