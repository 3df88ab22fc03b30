package dev.sluice.gateway.route;

import static dev.sluice.gateway.route.Fixtures.firstAttempt;
import static dev.sluice.gateway.route.Fixtures.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.LeakChecked;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@LeakChecked
class ProbeTest {

    private static final RoutingPolicy POLICY = new RoutingPolicy(
            3,
            0.1,
            3,
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Fixtures.OPENS_AFTER_4,
            Duration.ofMillis(100),
            Duration.ofMillis(300));

    private final MutableClock clock = new MutableClock();
    private final ManualScheduler scheduler = new ManualScheduler();
    private Router router;

    @AfterEach
    void close() {
        router.close();
    }

    @Test
    void aSuccessfulProbeMovesAnOpenBreakerToHalfOpenAfterBackoffWithJitter() {
        AtomicInteger calls = new AtomicInteger();
        router = Fixtures.router(
                route("m", Balance.FALLBACK, "p/a", "q/b"),
                Map.of(),
                POLICY,
                clock,
                t -> calls.incrementAndGet() > 4,
                scheduler);
        open("m", "p/a");
        assertThat(scheduler.pending()).isEqualTo(1);

        for (int i = 0; i < 5; i++) {
            assertThat(router.stats().get("p/a").breakerState()).isEqualTo("OPEN");
            scheduler.runNext();
        }

        assertThat(router.stats().get("p/a").breakerState()).isEqualTo("HALF_OPEN");
        assertThat(router.stats().get("p/a").probes()).isEqualTo(5);
        assertThat(scheduler.pending()).isZero(); // probing stopped
        long[] ceilings = {100, 200, 300, 300, 300};
        assertThat(scheduler.delays).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(scheduler.delays.get(i).toMillis()).isBetween(ceilings[i] / 2, ceilings[i] - 1);
        }
        assertThat(scheduler.delays.stream().map(Duration::toNanos).distinct().count())
                .isEqualTo(5); // jittered
        try (Attempt trial = router.plan("m", Optional.empty()).next().orElseThrow()) { // before waitInOpen ran out
            assertThat(trial.target().id()).isEqualTo("p/a");
            trial.finish(AttemptOutcome.SUCCESS, Optional.empty());
        }
        assertThat(router.stats().get("p/a").breakerState()).isEqualTo("CLOSED");
    }

    @Test
    void probingStopsWhenTheBreakerLeavesOpenByItselfAndAThrowingProbeIsUnhealthy() {
        AtomicInteger calls = new AtomicInteger();
        router = Fixtures.router(
                route("m", Balance.FALLBACK, "p/a", "q/b"),
                Map.of(),
                POLICY,
                clock,
                t -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("connection refused");
                },
                scheduler);
        open("m", "p/a");
        scheduler.runNext();
        assertThat(calls.get()).isEqualTo(1);
        assertThat(scheduler.pending()).isEqualTo(1); // a throwing probe is retried later

        router.state("p/a").breaker().transitionToHalfOpenState();
        scheduler.runNext();

        assertThat(calls.get()).isEqualTo(1);
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void realProbeThreadReachesHalfOpenAndIsGoneAfterClose() {
        AtomicInteger calls = new AtomicInteger();
        RoutingPolicy fast = new RoutingPolicy(
                3,
                0.1,
                3,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Fixtures.OPENS_AFTER_4,
                Duration.ofMillis(2),
                Duration.ofMillis(10));
        Map<String, RouteSpec> routes = Map.of(
                "m",
                new RouteSpec("m", Fixtures.targets("p/a", "q/b"), Balance.FALLBACK),
                "n",
                new RouteSpec("n", Fixtures.targets("q/b"), Balance.FALLBACK));
        router = new Router(
                routes, Optional.empty(), Map.of(), fast, t -> t.provider().equals("p") && calls.incrementAndGet() > 2);

        open("m", "p/a");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> router.stats().get("p/a").breakerState().equals("HALF_OPEN"));
        open("n", "q/b"); // its probe never succeeds: the thread keeps probing until close
        await().atMost(Duration.ofSeconds(5))
                .until(() -> router.stats().get("q/b").probes() >= 3);
        assertThat(probeThreadAlive()).isTrue();

        router.close();

        assertThat(probeThreadAlive()).isFalse();
        long probes = router.stats().get("q/b").probes();
        await().during(Duration.ofMillis(100))
                .atMost(Duration.ofSeconds(1))
                .until(() -> router.stats().get("q/b").probes() == probes);
        router.close(); // idempotent
    }

    private void open(String model, String id) {
        for (int i = 0; i < 4 && !router.stats().get(id).breakerState().equals("OPEN"); i++) {
            Plan plan = router.plan(model, Optional.empty());
            try (Attempt a = plan.next().orElseThrow()) {
                assertThat(a.target().id()).isEqualTo(id);
                a.finish(AttemptOutcome.SERVER_ERROR, Optional.empty());
            }
        }
        assertThat(router.stats().get(id).breakerState()).isEqualTo("OPEN");
        if (model.equals("m")) {
            assertThat(firstAttempt(router, model, Optional.empty(), AttemptOutcome.SUCCESS))
                    .isNotEqualTo(id);
        }
    }

    private static boolean probeThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("sluice-route-probe"));
    }
}
