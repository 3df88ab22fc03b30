package dev.sluice.gateway.route;

import static dev.sluice.gateway.route.Fixtures.NEVER_OPENS;
import static dev.sluice.gateway.route.Fixtures.generous;
import static dev.sluice.gateway.route.Fixtures.route;
import static dev.sluice.gateway.route.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.route.health.BreakerPolicy;
import dev.sluice.gateway.route.health.TargetState;
import dev.sluice.gateway.route.health.TargetStats;
import dev.sluice.testkit.LeakChecked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@LeakChecked
class InFlightTest {

    private final MutableClock clock = new MutableClock();
    private Router router;

    @AfterEach
    void close() {
        router.close();
    }

    @Test
    void inFlightCountsFromNextUntilCloseOnEveryPath() {
        router = router(route("m", Balance.FALLBACK, "p/a"), generous(NEVER_OPENS), clock);

        Attempt finished = next();
        Attempt unfinished = next();
        Attempt twice = next();
        assertThat(inFlight()).isEqualTo(3);

        finished.finish(AttemptOutcome.SUCCESS, Optional.empty());
        assertThat(inFlight()).isEqualTo(3); // finishing does not release: closing does
        finished.close();
        unfinished.close();
        twice.close();
        twice.close();
        finished.close();

        assertThat(inFlight()).isZero();
        assertThat(router.stats().get("p/a").attempts()).isEqualTo(3);
    }

    @Test
    void closeWithoutFinishIsCancelledAndGivesTheHalfOpenPermissionBack() {
        router = router(route("m", Balance.FALLBACK, "p/a"), generous(Fixtures.OPENS_AFTER_4), clock);
        TargetState a = router.state("p/a");
        a.breaker().transitionToOpenState();
        a.breaker().transitionToHalfOpenState(); // one trial call allowed

        Attempt trial = next();
        assertThat(router.plan("m", Optional.empty()).next()).isEmpty(); // the only permission is taken
        trial.close();

        assertThat(a.breaker().getMetrics().getNumberOfFailedCalls()).isZero();
        try (Attempt again = next()) { // the permission came back
            again.finish(AttemptOutcome.SUCCESS, Optional.empty());
        }
        assertThat(router.stats().get("p/a").breakerState()).isEqualTo("CLOSED");
    }

    @Test
    void onlyTheFirstFinishCounts() {
        router = router(route("m", Balance.FALLBACK, "p/a"), generous(NEVER_OPENS), clock);
        try (Attempt a = next()) {
            a.finish(AttemptOutcome.SUCCESS, Optional.empty());
            a.finish(AttemptOutcome.SERVER_ERROR, Optional.empty());
        }
        TargetState s = router.state("p/a");
        assertThat(s.stats().failures()).isZero();
        assertThat(s.breaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    }

    @Test
    void manyThreadsLeaveEveryTargetAtZeroInFlight() throws Exception {
        RoutingPolicy policy = new RoutingPolicy(
                3,
                0.5,
                1000,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                new BreakerPolicy(50f, 50, 20, Duration.ofMillis(1), 5),
                Duration.ofMillis(100),
                Duration.ofMillis(300));
        router = router(route("m", Balance.LEAST_IN_FLIGHT, "p/a", "q/b", "r/c"), policy, clock);
        int threads = 16;
        int perThread = 20_000;
        AttemptOutcome[] outcomes = AttemptOutcome.values();
        AtomicLong attempts = new AtomicLong();
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger maxHolding = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                long seed = t;
                futures.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        Plan plan = router.plan(
                                "m", random.nextBoolean() ? Optional.of("s" + random.nextInt(50)) : Optional.empty());
                        Optional<Attempt> next;
                        while ((next = plan.next()).isPresent()) {
                            try (Attempt a = next.get()) {
                                attempts.incrementAndGet();
                                maxHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
                                if (random.nextInt(10) > 0) { // 1 in 10 is closed without finish
                                    a.finish(outcomes[random.nextInt(outcomes.length)], Optional.empty());
                                }
                                holding.decrementAndGet();
                            }
                        }
                        if (i % 100 == 0) {
                            clock.advance(Duration.ofMillis(2)); // breakers leave OPEN, the budget window slides
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }

        assertThat(router.leaks()).isEmpty();
        assertThat(router.stats().values())
                .allSatisfy(s -> assertThat(s.inFlight()).isZero());
        assertThat(router.stats().values().stream()
                        .mapToLong(TargetStats::attempts)
                        .sum())
                .isEqualTo(attempts.get());
        assertThat(maxHolding.get()).isLessThanOrEqualTo(threads);
        assertThat(attempts.get()).isGreaterThan(perThread); // the breakers open at times: some plans are empty
    }

    private Attempt next() {
        return router.plan("m", Optional.empty()).next().orElseThrow();
    }

    private int inFlight() {
        return router.stats().get("p/a").inFlight();
    }
}
