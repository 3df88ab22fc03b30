package dev.sluice.gateway.route.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The circuit breaker of every target: it opens when at least {@code minimumCalls} calls were
 * recorded in the sliding window and {@code failureRateThreshold} percent of them failed; it stays
 * open {@code waitInOpen} (or until a health probe succeeds), then lets {@code permittedInHalfOpen}
 * trial calls through. {@code slidingWindowSize} counts calls ({@link Window#COUNT}) or seconds
 * ({@link Window#TIME}).
 */
public record BreakerPolicy(
        float failureRateThreshold,
        int slidingWindowSize,
        int minimumCalls,
        Duration waitInOpen,
        int permittedInHalfOpen,
        Window window) {

    /** What {@code slidingWindowSize} counts. */
    public enum Window {
        COUNT,
        TIME
    }

    public BreakerPolicy {
        Objects.requireNonNull(window, "window");
        List<String> problems = new ArrayList<>();
        if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
            problems.add("failureRateThreshold must be in (0, 100], got " + failureRateThreshold);
        }
        if (slidingWindowSize < 1) {
            problems.add("slidingWindowSize must be >= 1, got " + slidingWindowSize);
        }
        if (minimumCalls < 1) {
            problems.add("minimumCalls must be >= 1, got " + minimumCalls);
        }
        if (waitInOpen == null || waitInOpen.isNegative() || waitInOpen.isZero()) {
            problems.add("waitInOpen must be positive, got " + waitInOpen);
        }
        if (permittedInHalfOpen < 1) {
            problems.add("permittedInHalfOpen must be >= 1, got " + permittedInHalfOpen);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("bad breaker policy: " + String.join("; ", problems));
        }
    }

    /** A count-based window. */
    public BreakerPolicy(
            float failureRateThreshold,
            int slidingWindowSize,
            int minimumCalls,
            Duration waitInOpen,
            int permittedInHalfOpen) {
        this(failureRateThreshold, slidingWindowSize, minimumCalls, waitInOpen, permittedInHalfOpen, Window.COUNT);
    }

    /** 50 % of the last 20 calls, at least 10 calls; open 30 s; 2 trial calls. */
    public static BreakerPolicy defaults() {
        return new BreakerPolicy(50f, 20, 10, Duration.ofSeconds(30), 2, Window.COUNT);
    }
}
