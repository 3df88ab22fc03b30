package dev.sluice.gateway.route;

import dev.sluice.gateway.route.health.BreakerPolicy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Routers on a fake clock with a seeded random and a manual probe scheduler. */
final class Fixtures {

    /** A 1 s window that would need more calls than any test makes. */
    static final BreakerPolicy NEVER_OPENS =
            new BreakerPolicy(100f, 1, Integer.MAX_VALUE, Duration.ofSeconds(30), 1, BreakerPolicy.Window.TIME);
    /** Opens when 2 of the last 4 calls failed (at least 4 calls); open 30 s; one trial call. */
    static final BreakerPolicy OPENS_AFTER_4 = new BreakerPolicy(50f, 4, 4, Duration.ofSeconds(30), 1);

    private Fixtures() {}

    /** Plenty of retry budget; 3 attempts; Retry-After up to 5 s; keys rest 30 s. */
    static RoutingPolicy generous(BreakerPolicy breaker) {
        return new RoutingPolicy(
                3,
                10,
                1000,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                breaker,
                Duration.ofMillis(100),
                Duration.ofMillis(300));
    }

    /** {@link #generous} with {@code maxAttempts} and {@code retries} per kind. */
    static RoutingPolicy generous(BreakerPolicy breaker, int maxAttempts, SameTargetRetries retries) {
        return new RoutingPolicy(
                maxAttempts,
                10,
                1000,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                breaker,
                Duration.ofMillis(100),
                Duration.ofMillis(300),
                retries);
    }

    static List<Target> targets(String... ids) {
        return Arrays.stream(ids)
                .map(id -> {
                    String[] parts = id.split("/");
                    return new Target(parts[0], parts[1], parts.length > 2 ? Integer.parseInt(parts[2]) : 1);
                })
                .toList();
    }

    static Map<String, RouteSpec> route(String name, Balance balance, String... ids) {
        return Map.of(name, new RouteSpec(name, targets(ids), balance));
    }

    static Router router(Map<String, RouteSpec> routes, RoutingPolicy policy, MutableClock clock) {
        return router(routes, Map.of(), policy, clock, null, new ManualScheduler());
    }

    static Router router(
            Map<String, RouteSpec> routes,
            Map<String, List<String>> keys,
            RoutingPolicy policy,
            MutableClock clock,
            Function<Target, Boolean> probe,
            ManualScheduler scheduler) {
        return new Router(
                routes,
                Optional.empty(),
                keys,
                policy,
                probe,
                new RouterEnv(clock, new SplittableRandom(42), () -> scheduler));
    }

    /** One request whose first attempt ends with {@code outcome}; returns the target it went to. */
    static String firstAttempt(Router router, String model, Optional<String> session, AttemptOutcome outcome) {
        Plan plan = router.plan(model, session);
        try (Attempt a = plan.next().orElseThrow(() -> new AssertionError("empty plan: " + plan.reason()))) {
            a.finish(outcome, Optional.empty());
            return a.target().id();
        }
    }

    /** Runs a whole request where every attempt ends with {@code outcome}; returns the plan. */
    static Plan runAll(Router router, String model, AttemptOutcome outcome) {
        Plan plan = router.plan(model, Optional.empty());
        Optional<Attempt> next;
        while ((next = plan.next()).isPresent()) {
            try (Attempt a = next.get()) {
                a.finish(outcome, Optional.empty());
            }
        }
        return plan;
    }
}
