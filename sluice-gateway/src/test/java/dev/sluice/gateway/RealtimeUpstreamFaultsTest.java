package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The upstream side of a session: fallback when the first target refuses the handshake or is a closed port,
 * the fake's faults mid-response (stream-cut closes the client 1011 naming the upstream, stream-error is
 * relayed and the session goes on, a stall ends by the idle timeout), and a client that closes or resets
 * its connection closes the upstream session.
 */
@LeakChecked
class RealtimeUpstreamFaultsTest {

    static final int DELTAS = 6;
    static final int CLOSED_PORT = closedPort();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(DELTAS).deltaInterval(Duration.ofMillis(5)));

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
            "providers.dead.kind",
            "openai",
            "providers.dead.url",
            "http://127.0.0.1:" + CLOSED_PORT + "/v1",
            "providers.dead.api-keys",
            "sk-dead",
            "routes.refused-first.targets",
            "oai:fault-unavailable,oai:gpt-realtime",
            "routes.closed-first.targets",
            "dead:gpt-realtime,oai:gpt-realtime",
            "routes.gpt-realtime.targets",
            "oai:gpt-realtime",
            "routes.cut.targets",
            "oai:fault-stream-cut",
            "routes.errs.targets",
            "oai:fault-stream-error",
            "routes.stalls.targets",
            "oai:fault-stall",
            "realtime.idle-timeout",
            "3s");

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void bothSidesClosed() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(FAKE.provider().openRealtimeSessions()).isZero();
            assertThat(SLUICE.sluice().leaks()).isEmpty();
        });
    }

    static RealtimeWs open(String model) throws Exception {
        return RealtimeWs.open(SLUICE.baseUri(), SluiceExtension.CLIENT_KEY, model);
    }

    @Test
    void aTargetRefusingTheHandshakeFallsBackToTheNext() throws Exception {
        int before = FAKE.provider().realtimeSessionsStarted();
        try (RealtimeWs ws = open("refused-first")) {
            List<JsonNode> events = ws.respond("hello");
            assertThat(RealtimeWs.transcript(events)).isNotBlank();
            assertThat(events.get(events.size() - 1)
                            .path("response")
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
        }
        assertThat(FAKE.provider().realtimeSessionsStarted()).isEqualTo(before + 1);
        List<dev.sluice.fake.RecordedRequest> recent = FAKE.provider().recentRequests();
        assertThat(recent.subList(recent.size() - 2, recent.size()))
                .extracting(dev.sluice.fake.RecordedRequest::query)
                .containsExactly("model=fault-unavailable", "model=gpt-realtime");
    }

    @Test
    void aClosedPortFallsBackToTheNext() throws Exception {
        try (RealtimeWs ws = open("closed-first")) {
            assertThat(RealtimeWs.transcript(ws.respond("hello"))).isNotBlank();
        }
    }

    @Test
    void aStreamCutClosesTheClient1011NamingTheUpstream() throws Exception {
        try (RealtimeWs ws = open("cut")) {
            ws.next("session.created");
            ws.send(RealtimeWs.userText("hello"));
            ws.next("conversation.item.created");
            ws.send(RealtimeWs.RESPONSE_CREATE);
            RealtimeWs.Closed closed = ws.awaitClosed(Duration.ofSeconds(5));
            assertThat(closed.code()).isEqualTo(1011);
            assertThat(closed.reason()).containsIgnoringCase("upstream");
            assertThat(ws.events.stream().filter(e -> e.path("type").asText().equals("response.output_audio.delta")))
                    .hasSize(DELTAS / 2);
        }
    }

    @Test
    void aStreamErrorIsRelayedAndTheSessionStaysUsable() throws Exception {
        try (RealtimeWs ws = open("errs")) {
            List<JsonNode> events = ws.respond("hello");
            JsonNode error = events.get(events.size() - 2);
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo("server_error");
            assertThat(events.get(events.size() - 1)
                            .path("response")
                            .path("status")
                            .asText())
                    .isEqualTo("failed");
            ws.send("{\"type\":\"session.update\",\"session\":{}}");
            assertThat(ws.next().path("type").asText()).isEqualTo("session.updated");
            assertThat(ws.closed).isNotDone();
        }
    }

    @Test
    void aStalledUpstreamIsClosedByTheIdleTimeout() throws Exception {
        try (RealtimeWs ws = open("stalls")) { // the fake stalls 30 s at half the deltas
            ws.next("session.created");
            ws.send(RealtimeWs.userText("hello"));
            ws.next("conversation.item.created");
            ws.send(RealtimeWs.RESPONSE_CREATE);
            long t0 = System.nanoTime();
            RealtimeWs.Closed closed = ws.awaitClosed(Duration.ofSeconds(6));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(closed.code()).isEqualTo(1000);
            assertThat(closed.reason()).contains("realtime.idle-timeout");
            assertThat(ms).isBetween(1000L, 4000L);
        }
    }

    @Test
    void aClientCloseClosesTheUpstream() throws Exception {
        RealtimeWs ws = open("gpt-realtime");
        ws.next("session.created");
        await().atMost(Duration.ofSeconds(2)).until(() -> FAKE.provider().openRealtimeSessions() == 1);
        ws.close();
        assertThat(ws.closed.get().code()).isEqualTo(1000);
        await().atMost(Duration.ofSeconds(2)).until(() -> FAKE.provider().openRealtimeSessions() == 0);
    }

    @Test
    void aClientResetMidResponseClosesTheUpstream() throws Exception {
        RealtimeWs ws = open("stalls");
        ws.next("session.created");
        ws.send(RealtimeWs.userText("hello"));
        ws.next("conversation.item.created");
        ws.send(RealtimeWs.RESPONSE_CREATE);
        ws.next("response.output_audio.delta");
        assertThat(FAKE.provider().openRealtimeSessions()).isEqualTo(1);
        long t0 = System.nanoTime();
        ws.abort();
        await().atMost(Duration.ofSeconds(3)).until(() -> FAKE.provider().openRealtimeSessions() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .as("well before the idle timeout")
                .isLessThan(Duration.ofMillis(1400));
    }
}
