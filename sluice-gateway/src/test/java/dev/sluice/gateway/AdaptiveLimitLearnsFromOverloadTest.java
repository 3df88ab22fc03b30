package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.messageBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.LimiterStats;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18 item 6: with an adaptive limit, an upstream that answers 529 is a drop, so a burst of them
 * lowers the admission limit (as {@code /system/stats} shows it), and healthy traffic raises it again.
 * The fake answers every request, 529 or not, after the same 25 ms, so only the drops move the limit.
 */
@LeakChecked
class AdaptiveLimitLearnsFromOverloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INITIAL = 12;
    private static final int CLIENTS = 16;
    /** How {@link #load} counts Sluice's own 529 (shed at admission, no permit taken), told from the upstream's. */
    private static final String SHED = "shed by Sluice";

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.latency(Duration.ofMillis(25)).deltas(4));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "admission.limit-algorithm",
            "vegas",
            "admission.min-in-flight",
            Integer.toString(INITIAL), // where Vegas starts
            "admission.max-in-flight",
            "64",
            "admission.queue-size",
            "64",
            "admission.queue-timeout",
            "5s",
            "routing.max-attempts",
            "1",
            // the breaker would soon answer for the overloaded target itself (Sluice's own 529, no drop)
            "routing.breaker.window",
            "1000",
            "routing.breaker.min-calls",
            "1000");

    @Test
    void aBurstOfUpstream529sLowersTheLimitAndHealthyTrafficRaisesItAgain() throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> SLUICE.sluice().inFlight() == 0);
        int before = statsLimit();
        assertThat(before).as("Vegas starts at admission.min-in-flight").isEqualTo(INITIAL);
        LimiterStats start = SLUICE.sluice().admissionStats();

        Map<String, AtomicInteger> burst = load("fault-overloaded", () -> statsLimit() <= before / 3);
        int lowered = statsLimit();

        LimiterStats afterBurst = SLUICE.sluice().admissionStats();
        assertThat(burst.keySet())
                .as("the upstream's 529, or Sluice's own once the limit is low")
                .contains("529")
                .isSubsetOf("529", SHED);
        assertThat(afterBurst.dropped() - start.dropped())
                .as("each upstream 529 closed its permit as a drop")
                .isEqualTo(count(burst, "529"));
        assertThat(afterBurst.failed()).as("none as a failure").isEqualTo(start.failed());
        assertThat(afterBurst.rejected() - start.rejected())
                .as("Sluice's own sheds took no permit")
                .isEqualTo(count(burst, SHED));
        assertThat(lowered).isLessThanOrEqualTo(before / 3);

        // the limit the check saw: read again after the clients stopped, it may already have moved on (Vegas
        // lowers it when the last queued requests' times grow)
        AtomicInteger seen = new AtomicInteger();
        Map<String, AtomicInteger> healthy = load("fake-model", () -> {
            seen.set(statsLimit());
            return seen.get() > before;
        });
        int recovered = seen.get();

        LimiterStats end = SLUICE.sluice().admissionStats();
        assertThat(count(healthy, "200")).as("healthy traffic is served").isPositive();
        assertThat(end.dropped()).as("healthy traffic drops nothing").isEqualTo(afterBurst.dropped());
        assertThat(recovered).isGreaterThan(before);
        System.out.printf(
                "adaptive limit: before %d, after %d upstream 529s (%d shed by Sluice) %d,"
                        + " after %d healthy answers %d%n",
                before, count(burst, "529"), count(burst, SHED), lowered, count(healthy, "200"), recovered);
    }

    /**
     * {@value #CLIENTS} clients send {@code model} back to back until {@code done} holds (at most 15 s), then
     * finish their requests; answers counted by status, Sluice's own 529 as {@link #SHED}.
     */
    private static Map<String, AtomicInteger> load(String model, Check done) throws Exception {
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Set<Throwable> errors = ConcurrentHashMap.newKeySet();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CLIENTS; i++) {
                clients.submit(() -> {
                    while (!stop.get()) {
                        try {
                            HttpResponse<String> r = Http.post(
                                    SLUICE.baseUri(), "/v1/messages", messageBody(model, false), anthropicHeaders());
                            String answer =
                                    r.body().contains("Sluice is overloaded") ? SHED : Integer.toString(r.statusCode());
                            answers.computeIfAbsent(answer, a -> new AtomicInteger())
                                    .incrementAndGet();
                        } catch (Exception e) {
                            errors.add(e);
                            return;
                        }
                    }
                });
            }
            try {
                await().atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> !errors.isEmpty() || done.holds());
            } finally {
                stop.set(true);
            }
        }
        assertThat(errors).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> SLUICE.sluice().inFlight() == 0);
        return answers;
    }

    private static int count(Map<String, AtomicInteger> answers, String answer) {
        AtomicInteger n = answers.get(answer);
        return n == null ? 0 : n.get();
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    /** The admission limit as {@code /system/stats} reports it. */
    private static int statsLimit() throws Exception {
        JsonNode stats =
                JSON.readTree(Http.get(SLUICE.baseUri(), "/system/stats").body());
        return stats.path("admission").path("limit").asInt(-1);
    }
}
