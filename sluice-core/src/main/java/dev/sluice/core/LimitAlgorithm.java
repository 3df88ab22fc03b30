package dev.sluice.core;

/**
 * Decides the concurrency limit of a {@link Limiter} and learns from every released permit. The
 * limiter owns the in-flight counter; an algorithm only answers "how many" and observes samples,
 * so an adaptive one (e.g. an adapter over Netflix concurrency-limits' {@code Limit}) slots in
 * without touching admission or release. Must be thread-safe and cheap: it runs on the hot path.
 */
public interface LimitAlgorithm {

    /** The current limit, at least 1. */
    int limit();

    /**
     * Called once per released permit with how long it was held, how many permits were in flight
     * when it was granted (including itself), and how it ended. Must not throw.
     */
    default void onSample(long heldNanos, long inFlightAtGrant, Outcome outcome) {}

    /** A constant limit. */
    static LimitAlgorithm fixed(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return new LimitAlgorithm() {
            @Override
            public int limit() {
                return limit;
            }

            @Override
            public String toString() {
                return "fixed(" + limit + ")";
            }
        };
    }
}
