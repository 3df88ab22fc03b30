package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The upstream dropping its connection mid-response (the fake's stream-cut: no close frame, TCP FIN), 20
 * times in a row: each client must be closed 1011 promptly. Found failing: now and then (the 3rd session of
 * each run here) Sluice's upstream socket sits in CLOSE-WAIT and the JDK WebSocket never reports the end, so
 * the client would get nothing until {@code realtime.idle-timeout}: Sluice pings a quiet upstream, and the ping
 * to a vanished one fails, so the cut is relayed as 1011 within seconds (allowed here: 4 s on a loaded box).
 */
@LeakChecked
class RealtimeStreamCutTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(6).deltaInterval(Duration.ofMillis(1)));

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
            "routes.cut.targets",
            "oai:fault-stream-cut",
            "realtime.idle-timeout",
            "4s");

    @Test
    void everyStreamCutClosesTheClient1011Promptly() throws Exception {
        List<String> late = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            try (RealtimeWs ws = RealtimeWs.open(SLUICE.baseUri(), SluiceExtension.CLIENT_KEY, "cut")) {
                ws.next("session.created");
                ws.send(RealtimeWs.userText("cut " + i));
                ws.next("conversation.item.created");
                ws.send(RealtimeWs.RESPONSE_CREATE);
                long t0 = System.nanoTime();
                RealtimeWs.Closed c = ws.awaitClosed(Duration.ofSeconds(10));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (c.code() != 1011 || ms > 4000) {
                    late.add("session " + i + ": " + c + " after " + ms + " ms");
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> FAKE.provider().openRealtimeSessions() == 0);
        }
        assertThat(late).as("stream-cuts not relayed as 1011 within 4 s").isEmpty();
    }
}
