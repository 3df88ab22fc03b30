package dev.sluice.gateway.route;

import static dev.sluice.gateway.route.Fixtures.generous;
import static dev.sluice.gateway.route.Fixtures.route;
import static dev.sluice.gateway.route.Fixtures.router;
import static dev.sluice.gateway.route.Fixtures.runAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.testkit.LeakChecked;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@LeakChecked
class BalanceTest {

    private final MutableClock clock = new MutableClock();
    private Router router;

    @AfterEach
    void close() {
        router.close();
    }

    @Test
    void fallbackTriesTargetsStrictlyInListedOrder() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b", "r/c"), generous(Fixtures.NEVER_OPENS), clock);

        for (int i = 0; i < 20; i++) {
            Plan plan = runAll(router, "m", AttemptOutcome.TIMEOUT);
            assertThat(plan.tried()).containsExactly("p/a", "q/b", "r/c");
            assertThat(plan.usedFallback()).isTrue();
        }
        assertThat(router.stats().get("q/b").fallbacks()).isEqualTo(20);
    }

    @Test
    void aModelWithoutARouteTakesTheCatchAllRouteAndAModelWithOneKeepsIt() {
        Map<String, RouteSpec> routes = new HashMap<>(route("m", Balance.FALLBACK, "p/a"));
        routes.putAll(route(Router.CATCH_ALL, Balance.FALLBACK, "q/b", "r/c"));
        router = router(routes, generous(Fixtures.NEVER_OPENS), clock);

        assertThat(runAll(router, "claude-opus-9", AttemptOutcome.TIMEOUT).tried())
                .containsExactly("q/b", "r/c");
        assertThat(runAll(router, "m", AttemptOutcome.TIMEOUT).tried()).containsExactly("p/a");
    }

    @Test
    void weightedPicksTheFirstTargetByWeightAndKeepsTheRestInListedOrder() {
        router = router(route("m", Balance.WEIGHTED, "p/a/1", "q/b/3", "r/c/0"), generous(Fixtures.NEVER_OPENS), clock);
        Map<List<String>, Integer> orders = new HashMap<>();
        int n = 20_000;

        for (int i = 0; i < n; i++) {
            Plan plan = runAll(router, "m", AttemptOutcome.TIMEOUT);
            orders.merge(plan.tried(), 1, Integer::sum);
        }

        assertThat(orders.keySet())
                .containsExactlyInAnyOrder(List.of("p/a", "q/b", "r/c"), List.of("q/b", "p/a", "r/c"));
        assertThat(orders.get(List.of("q/b", "p/a", "r/c")) / (double) n).isCloseTo(0.75, within(0.02));
    }

    @Test
    void leastInFlightStartsWithTheIdlestTargetAndBreaksTiesByListOrder() {
        router =
                router(route("m", Balance.LEAST_IN_FLIGHT, "p/a", "q/b", "r/c"), generous(Fixtures.NEVER_OPENS), clock);
        List<Attempt> held = new ArrayList<>();
        try {
            held.add(first()); // a (all 0)
            assertThat(held.get(0).target().id()).isEqualTo("p/a");
            held.add(first()); // b (a=1)
            held.add(first()); // c (a=1, b=1)
            assertThat(held).extracting(a -> a.target().id()).containsExactly("p/a", "q/b", "r/c");
            held.get(1).close(); // b back to 0
            Attempt next = first();
            held.add(next);
            assertThat(next.target().id()).isEqualTo("q/b");
            assertThat(router.stats().get("q/b").inFlight()).isEqualTo(1);
        } finally {
            held.forEach(Attempt::close);
        }
    }

    @Test
    void weightedRendezvousSplitsSessionsByWeight() {
        router = router(route("m", Balance.FALLBACK, "p/a/1", "q/b/3"), generous(Fixtures.NEVER_OPENS), clock);
        int onB = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            if (Fixtures.firstAttempt(router, "m", Optional.of("session-" + i), AttemptOutcome.SUCCESS)
                    .equals("q/b")) {
                onB++;
            }
        }
        assertThat(onB / (double) n).isCloseTo(0.75, within(0.03));
    }

    private Attempt first() {
        return router.plan("m", Optional.empty()).next().orElseThrow();
    }
}
