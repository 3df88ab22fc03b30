package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sluice closed (as the SIGTERM handler does) with open realtime sessions: during the drain a new handshake
 * gets 503, sessions still open at the drain deadline are closed 1001 with a reason, the fake's sessions end,
 * and nothing is left.
 */
@LeakChecked
class RealtimeShutdownTest {

    static final Duration DRAIN = Duration.ofSeconds(2);

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(6).deltaInterval(Duration.ofMillis(5)));

    @Test
    void openSessionsGet1001AtTheDrainDeadlineAndNewHandshakesGet503() throws Exception {
        Map<String, String> s = new HashMap<>();
        String fake = FAKE.baseUri().toString().replaceAll("/$", "");
        s.put("server.port", "0");
        s.put("demo.mode", "off");
        s.put("auth.api-keys", SluiceExtension.CLIENT_KEY);
        s.put("providers.oai.kind", "openai");
        s.put("providers.oai.url", fake + "/v1");
        s.put("providers.oai.api-keys", "sk-oai");
        s.put("routes.gpt-realtime.targets", "oai:gpt-realtime");
        s.put("routes.stalls.targets", "oai:fault-stall");
        s.put("shutdown.pre-drain", "0s");
        s.put("shutdown.drain-timeout", DRAIN.toMillis() + "ms");
        Sluice sluice = Sluice.start(SluiceExtension.config(s));
        List<RealtimeWs> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                RealtimeWs ws = RealtimeWs.open(
                        sluice.baseUri(), SluiceExtension.CLIENT_KEY, i % 2 == 0 ? "gpt-realtime" : "stalls");
                ws.next("session.created");
                if (i % 2 == 1) { // mid-response, stalled upstream
                    ws.send(RealtimeWs.userText("hello"));
                    ws.next("conversation.item.created");
                    ws.send(RealtimeWs.RESPONSE_CREATE);
                    ws.next("response.output_audio.delta");
                }
                open.add(ws);
            }
            assertThat(FAKE.provider().openRealtimeSessions()).isEqualTo(4);
            long t0 = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(sluice::close);
            await().atMost(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(
                                    Http.get(sluice.baseUri(), "/health/ready").statusCode())
                            .isEqualTo(503));
            assertThat(open)
                    .allSatisfy(ws -> assertThat(ws.closed.isDone())
                            .as("still open during the drain")
                            .isFalse());
            WebSocketHandshakeException refused = RealtimeWs.refusal(
                    sluice.baseUri(),
                    "/v1/realtime?model=gpt-realtime",
                    List.of(),
                    "authorization",
                    "Bearer " + SluiceExtension.CLIENT_KEY);
            assertThat(refused.getResponse().statusCode()).isEqualTo(503);
            assertThat(RealtimeWs.body(refused).path("error").path("message").asText())
                    .contains("shutting down");

            for (RealtimeWs ws : open) {
                RealtimeWs.Closed c = ws.awaitClosed(DRAIN.plusSeconds(3));
                assertThat(c.code()).isEqualTo(1001);
                assertThat(c.reason()).contains("shutting down");
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms)
                    .as("closed at the drain deadline")
                    .isBetween(DRAIN.toMillis() - 200, DRAIN.toMillis() + 1500);
            closing.get(10, java.util.concurrent.TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(3)).until(() -> FAKE.provider().openRealtimeSessions() == 0);
            assertThat(sluice.leaks()).isEmpty();
        } finally {
            open.forEach(RealtimeWs::abort);
            sluice.close();
        }
    }
}
