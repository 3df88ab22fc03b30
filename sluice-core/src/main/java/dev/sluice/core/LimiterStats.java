package dev.sluice.core;

/**
 * A snapshot of a {@link Limiter}'s counters. When nothing is acquiring or releasing,
 * {@code admitted == succeeded + failed + cancelled + dropped + inFlight}.
 */
public record LimiterStats(
        long inFlight,
        int limit,
        long admitted,
        long rejected,
        long succeeded,
        long failed,
        long cancelled,
        long dropped) {

    /** Permits released so far, whatever their outcome. */
    public long released() {
        return succeeded + failed + cancelled + dropped;
    }
}
