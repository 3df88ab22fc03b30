package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole (non-streaming) upstream answer is checked before any byte of it reaches the client, also
 * on the same-dialect pass-through path: cut short or empty is a 502 in the caller's dialect, never a
 * 200; and {@code timeouts.total} bounds the request across all its attempts, not each attempt.
 */
@LeakChecked
class BrokenWholeAnswersTest {

    private static final ServerSocket EMPTY_ANSWERS = emptyAnswers();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(3));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "timeouts.total",
            "1500ms",
            "routes.fault-malformed.targets",
            "slow1:fault-malformed",
            "routing.breaker.min-calls",
            "1000",
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "providers.slow1.kind",
            "anthropic",
            "providers.slow1.url",
            "{fake}",
            "providers.slow1.api-keys",
            "k1",
            "providers.slow2.kind",
            "anthropic",
            "providers.slow2.url",
            "{fake}",
            "providers.slow2.api-keys",
            "k2",
            "providers.empty.kind",
            "anthropic",
            "providers.empty.url",
            "http://127.0.0.1:" + EMPTY_ANSWERS.getLocalPort(),
            "providers.empty.api-keys",
            "k3",
            "routes.oai-malformed.targets",
            "oai:fault-malformed",
            "routes.two-slow.targets",
            "slow1:fault-slow-headers,slow2:fault-slow-headers",
            "routes.empty.targets",
            "empty:anything");

    @AfterAll
    static void closeEmptyAnswers() throws IOException {
        EMPTY_ANSWERS.close();
    }

    @Test
    void aTruncatedAnswerPassedThroughIs502NotA200() throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(), "/v1/messages", Http.messageBody("fault-malformed", false), Http.anthropicHeaders());

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"type\":\"error\"").contains("not one complete JSON value");
    }

    @Test
    void aTruncatedOpenAiAnswerIs502InTheOpenAiDialect() throws Exception {
        String body = "{\"model\":\"oai-malformed\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(SLUICE.baseUri(), "/v1/chat/completions", body, Http.openAiHeaders());

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).startsWith("{\"error\":").contains("not one complete JSON value");
    }

    @Test
    void anEmptyCloseDelimitedAnswerIs502() throws Exception {
        HttpResponse<String> r =
                Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody("empty", false), Http.anthropicHeaders());

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("empty");
    }

    @Test
    void timeoutsTotalBoundsTheRequestAcrossItsAttempts() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(), "/v1/messages", Http.messageBody("two-slow", false), Http.anthropicHeaders());
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(r.statusCode()).isEqualTo(504);
        // per attempt, two targets would take 2 x 1.5 s; one deadline for the request ends it at 1.5 s
        assertThat(ms).as("answered after %d ms", ms).isBetween(1400L, 2600L);
    }

    /**
     * A server that answers every request "200, JSON" with no body and closes (a close-delimited empty body). Each
     * connection is served on its own thread and its whole request is read first, so the close is a clean FIN
     * (closing with request bytes unread would reset the connection, a different failure) and no connection
     * waits behind another.
     */
    private static ServerSocket emptyAnswers() {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().name("empty-answers").start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket accepted = server.accept();
                        Thread.ofVirtual().name("empty-answer").start(() -> answerEmpty(accepted));
                    } catch (IOException closed) {
                        // the test ended
                    }
                }
            });
            return server;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void answerEmpty(Socket accepted) {
        try (Socket s = accepted) {
            readRequest(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException closed) {
            // the client left
        }
    }

    /** Reads the request head, however it arrives, and then its Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int end = -1;
        while (end < 0) {
            int n = in.read(buf);
            if (n < 0) {
                return;
            }
            got.write(buf, 0, n);
            end = got.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        }
        String all = got.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : all.substring(0, end).split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        int have = all.length() - end - 4;
        int n;
        while (have < length && (n = in.read(buf)) > 0) {
            have += n;
        }
    }
}
