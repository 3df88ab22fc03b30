package dev.sluice.core;

/**
 * Admission control: {@link #tryAcquire()} either grants a {@link Permit} or rejects with the
 * state that caused the rejection. The in-flight count is changed only by granting and releasing
 * permits, and never exceeds the limit at the moment of a grant.
 *
 * <pre>{@code
 * switch (limiter.tryAcquire()) {
 *     case Admission.Granted(Permit permit) -> {
 *         try (permit) { serve(); permit.outcome(Outcome.SUCCESS); }
 *     }
 *     case Admission.Rejected(String reason) -> shed(reason);
 * }
 * }</pre>
 */
public interface Limiter extends LeakSource {

    /** A limiter that admits at most {@code limit} permits at once. */
    static Limiter fixed(String name, int limit) {
        return create(name, LimitAlgorithm.fixed(limit));
    }

    /** A limiter whose limit is decided, and possibly adapted, by {@code algorithm}. */
    static Limiter create(String name, LimitAlgorithm algorithm) {
        return new CountingLimiter(name, algorithm, System::nanoTime);
    }

    /** Grants a permit if in-flight is below the limit; never blocks. */
    Admission tryAcquire();

    long inFlight();

    int limit();

    LimiterStats stats();

    String name();
}
