package dev.sluice.core;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter: after {@code n} consecutive failures the next attempt
 * waits {@code min(cap, base * 2^(n-1))} scaled by a random factor in {@code [0.5, 1.0)}.
 */
public record Backoff(Duration base, Duration cap) {

    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

    public Backoff {
        Durations.positive(base, "backoff base");
        Objects.requireNonNull(cap, "backoff cap");
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff cap " + cap + " must not be below base " + base);
        }
        if (cap.compareTo(LONGEST) > 0) { // fail now, not on the first failure, as toNanos() would then
            throw new ArithmeticException("backoff cap " + cap + " does not fit in nanoseconds");
        }
    }

    /** The delay before jitter: {@code min(cap, base * 2^(consecutiveFailures-1))}, overflow-safe. */
    public Duration ceiling(int consecutiveFailures) {
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("consecutiveFailures must be at least 1, got " + consecutiveFailures);
        }
        long baseNanos = base.toNanos();
        long capNanos = cap.toNanos();
        int shift = consecutiveFailures - 1;
        if (shift >= Long.SIZE - 2 || baseNanos > (capNanos >> shift)) {
            return cap;
        }
        return Duration.ofNanos(Math.min(capNanos, baseNanos << shift));
    }

    /** {@link #ceiling(int)} scaled by a factor in {@code [0.5, 1.0)} drawn from {@code random}. */
    public Duration delay(int consecutiveFailures, RandomGenerator random) {
        double factor = 0.5 + 0.5 * random.nextDouble();
        long nanos = (long) (ceiling(consecutiveFailures).toNanos() * factor);
        return Duration.ofNanos(Math.max(1, nanos));
    }
}
