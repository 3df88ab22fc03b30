package dev.sluice.gateway.shed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Admission;
import dev.sluice.core.AdmissionGate;
import dev.sluice.core.Limiter;
import dev.sluice.core.LimiterStats;
import dev.sluice.core.Outcome;
import dev.sluice.core.Permit;
import dev.sluice.core.Priority;
import dev.sluice.gateway.config.load.ConfigLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The limiter exactly as the gateway builds it from config (queue, deadline, interactive reserve,
 * gate), under millions of acquisitions from many threads: never over the limit, the counters
 * balance, in-flight back to exactly 0, and a holder that throws Error still releases.
 */
class GatewayAdmissionContentionTest {

    private static final int THREADS = 32;
    private static final int PER_THREAD = 40_000;

    @Test
    void millionsOfAcquisitionsThroughTheGatewaysLimiterNeverExceedTheLimitAndBalance() throws Exception {
        var cfg = ConfigLoader.of(Map.of(
                        "admission.max-in-flight",
                        "8",
                        "admission.queue-size",
                        "16",
                        "admission.queue-timeout",
                        "2ms",
                        "admission.interactive-reserve",
                        "0.25"))
                .admission();
        AtomicInteger gateCalls = new AtomicInteger();
        AdmissionGate gate = () -> gateCalls.incrementAndGet() % 997 == 0
                ? java.util.Optional.of("old gen after GC 93% > 92%")
                : java.util.Optional.empty();
        Limiter limiter = Admissions.limiter(cfg, gate);
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger maxHolding = new AtomicInteger();
        AtomicLong errorsThrown = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                long seed = t;
                futures.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                        Priority p = random.nextInt(4) == 0 ? Priority.BATCH : Priority.INTERACTIVE;
                        Admission a = limiter.acquire(p, Duration.ofMillis(random.nextInt(3)));
                        if (!(a instanceof Admission.Granted granted)) {
                            continue;
                        }
                        try (Permit permit = granted.permit()) {
                            int now = holding.incrementAndGet();
                            maxHolding.accumulateAndGet(now, Math::max);
                            if (random.nextInt(5000) == 0) {
                                errorsThrown.incrementAndGet();
                                holding.decrementAndGet(); // before the throw: the permit is closed before catch runs
                                throw new StackOverflowError("planted");
                            }
                            if (random.nextInt(8) == 0) {
                                Thread.yield();
                            }
                            holding.decrementAndGet();
                            permit.outcome(random.nextInt(10) == 0 ? Outcome.CANCELLED : Outcome.SUCCESS);
                        } catch (StackOverflowError planted) {
                            // released by try-with-resources with no outcome recorded: counted as failed
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }

        LimiterStats s = limiter.stats();
        assertThat(maxHolding.get()).isLessThanOrEqualTo(8);
        assertThat(s.inFlight()).isZero();
        assertThat(s.queued()).isZero();
        assertThat(s.admitted() + s.rejected()).isEqualTo((long) THREADS * PER_THREAD);
        assertThat(s.admitted()).isEqualTo(s.succeeded() + s.failed() + s.cancelled() + s.dropped());
        assertThat(s.failed()).isEqualTo(errorsThrown.get()).isPositive();
        assertThat(s.shed(dev.sluice.core.ShedReason.GATE)).isPositive();
        assertThat(limiter.leaks()).isEmpty();
    }
}
