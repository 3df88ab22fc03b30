package dev.sluice.gateway.route;

import dev.sluice.gateway.route.health.BreakerPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How hard the router tries.
 *
 * @param maxAttempts         attempts per request, the first included (default 3)
 * @param retryRatio          retries (same target or fallback) allowed per inbound request over the
 *                            window: 0.1 keeps outbound attempts at most 1.1x inbound (default 0.1)
 * @param retryFloorPerSecond retries allowed per second of the window on top of the ratio, so a
 *                            quiet gateway can still retry (default 3)
 * @param retryWindow         the sliding window of the retry budget, kept in 10 buckets (default 10 s)
 * @param maxRetryAfter       the longest Retry-After the router waits out on the same target;
 *                            longer ones move to the next target (default 5 s)
 * @param keyCooldown         how long a key rests after a 429 without Retry-After (default 30 s)
 * @param breaker             the circuit breaker of each target
 * @param probeMin            first delay of the health probe of an open target (default 1 s)
 * @param probeMax            cap of the probe's exponential backoff (default 60 s)
 * @param sameTargetRetries   retries on the same target per kind of failure before the next target
 *                            (default: 1 for server errors and connection failures, 0 for overloads and
 *                            timeouts)
 */
public record RoutingPolicy(
        int maxAttempts,
        double retryRatio,
        int retryFloorPerSecond,
        Duration retryWindow,
        Duration maxRetryAfter,
        Duration keyCooldown,
        BreakerPolicy breaker,
        Duration probeMin,
        Duration probeMax,
        SameTargetRetries sameTargetRetries) {

    public RoutingPolicy {
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(sameTargetRetries, "sameTargetRetries");
        List<String> problems = new ArrayList<>();
        if (maxAttempts < 1) {
            problems.add("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (!(retryRatio >= 0 && retryRatio <= 10)) {
            problems.add("retryRatio must be in [0, 10], got " + retryRatio);
        }
        if (retryFloorPerSecond < 0) {
            problems.add("retryFloorPerSecond must be >= 0, got " + retryFloorPerSecond);
        }
        positive(problems, "retryWindow", retryWindow);
        notNegative(problems, "maxRetryAfter", maxRetryAfter);
        notNegative(problems, "keyCooldown", keyCooldown);
        positive(problems, "probeMin", probeMin);
        positive(problems, "probeMax", probeMax);
        if (problems.isEmpty() && probeMax.compareTo(probeMin) < 0) {
            problems.add("probeMax " + probeMax + " must not be below probeMin " + probeMin);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("bad routing policy: " + String.join("; ", problems));
        }
    }

    /** With the default {@link SameTargetRetries}. */
    public RoutingPolicy(
            int maxAttempts,
            double retryRatio,
            int retryFloorPerSecond,
            Duration retryWindow,
            Duration maxRetryAfter,
            Duration keyCooldown,
            BreakerPolicy breaker,
            Duration probeMin,
            Duration probeMax) {
        this(
                maxAttempts,
                retryRatio,
                retryFloorPerSecond,
                retryWindow,
                maxRetryAfter,
                keyCooldown,
                breaker,
                probeMin,
                probeMax,
                SameTargetRetries.defaults());
    }

    /** With {@code retries} as the same-target retries. */
    public RoutingPolicy withSameTargetRetries(SameTargetRetries retries) {
        return new RoutingPolicy(
                maxAttempts,
                retryRatio,
                retryFloorPerSecond,
                retryWindow,
                maxRetryAfter,
                keyCooldown,
                breaker,
                probeMin,
                probeMax,
                retries);
    }

    /** 3 attempts; retries <= 0.1 x inbound + 3/s over 10 s; Retry-After up to 5 s; keys rest 30 s. */
    public static RoutingPolicy defaults() {
        return new RoutingPolicy(
                3,
                0.1,
                3,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                BreakerPolicy.defaults(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(60),
                SameTargetRetries.defaults());
    }

    private static void positive(List<String> problems, String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            problems.add(key + " must be positive, got " + d);
        }
    }

    private static void notNegative(List<String> problems, String key, Duration d) {
        if (d == null || d.isNegative()) {
            problems.add(key + " must not be negative, got " + d);
        }
    }
}
