package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.messageBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.LimiterStats;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import dev.sluice.testkit.SseStream;
import dev.sluice.testkit.SseTestClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The false-shed bug: after a storm of disconnects and upstream errors, an idle server sheds nothing. */
@LeakChecked
class IdleAfterStormTest {

    private static final List<String> MODELS = List.of(
            "fake-model",
            "fault-server-error",
            "fault-stream-cut",
            "fault-reset",
            "fault-malformed",
            "fault-overloaded",
            "fake-model");

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(30).deltaInterval(Duration.ofMillis(5)));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE, "admission.max-in-flight", "16", "admission.queue-size", "16", "admission.queue-timeout", "5s");

    @Test
    void afterDisconnectsAndErrorsTheIdleServerAdmitsEverythingAndCountsBalance() throws Exception {
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            List<Future<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String model = MODELS.get(i % MODELS.size());
                boolean leave = i % 3 == 0;
                all.add(clients.submit(() -> {
                    try (SseStream s = SseTestClient.connect(SLUICE.baseUri())
                            .post("/v1/messages", UpstreamFailureOutcomesTest.headers(), messageBody(model, true))) {
                        if (leave
                                && s.status() == 200
                                && s.next(Duration.ofSeconds(5)).isPresent()) {
                            s.disconnect();
                        } else {
                            s.readBodyAsString(Duration.ofSeconds(10));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> SLUICE.sluice().inFlight() == 0);
        LimiterStats storm = SLUICE.sluice().admissionStats();
        assertThat(storm.admitted()).isEqualTo(400);
        assertThat(storm.admitted())
                .isEqualTo(storm.succeeded() + storm.failed() + storm.cancelled() + storm.dropped());
        assertThat(storm.failed()).isPositive();
        assertThat(storm.cancelled()).isPositive();

        for (int i = 0; i < 50; i++) {
            assertThat(Http.post(SLUICE.baseUri(), "/v1/messages", messageBody("fake-model", false), anthropicHeaders())
                            .statusCode())
                    .isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> SLUICE.sluice().inFlight() == 0);
        LimiterStats idle = SLUICE.sluice().admissionStats();
        assertThat(idle.rejected()).isZero();
        assertThat(idle.inFlight()).isZero();
        assertThat(idle.queued()).isZero();
        assertThat(idle.admitted()).isEqualTo(450);
    }
}
