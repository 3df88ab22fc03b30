package dev.sluice.core;

import java.time.Duration;

/**
 * Admission control: a request either gets a {@link Permit} or is shed with the rule and the state
 * that caused it. The in-flight count is changed only by granting and releasing permits, and never
 * exceeds the limit, which the {@link LimitAlgorithm} may change at any time.
 *
 * <p>{@link #acquire(Priority, Duration)} asks the {@link AdmissionGate} first, then grants a
 * permit if in-flight is below the limit (for {@link Priority#BATCH}: below the limit less the
 * interactive reserve), else waits in a bounded FIFO queue where interactive waiters go before
 * batch ones. A released permit is handed straight to the next eligible waiter.
 *
 * <pre>{@code
 * switch (limiter.acquire(Priority.INTERACTIVE, Duration.ofMillis(200))) {
 *     case Admission.Granted(Permit permit) -> {
 *         try (permit) { serve(); permit.outcome(Outcome.SUCCESS); }
 *     }
 *     case Admission.Rejected(ShedReason cause, String reason) -> shed(cause, reason);
 * }
 * }</pre>
 */
public interface Limiter extends LeakSource {

    /** A limiter that admits at most {@code limit} permits at once, without a queue or a gate. */
    static Limiter fixed(String name, int limit) {
        return create(name, LimitAlgorithm.fixed(limit));
    }

    /** A limiter whose limit is decided, and possibly adapted, by {@code algorithm}; no queue or gate. */
    static Limiter create(String name, LimitAlgorithm algorithm) {
        return builder(name).algorithm(algorithm).build();
    }

    /** A builder with the defaults listed on {@link LimiterBuilder}. */
    static LimiterBuilder builder(String name) {
        return new LimiterBuilder(name);
    }

    /**
     * Grants a permit if the gate lets the request on and in-flight is below the limit, as
     * {@link Priority#INTERACTIVE}; never queues and never blocks.
     */
    Admission tryAcquire();

    /**
     * Admits {@code priority} work, waiting in the queue at most {@code maxWait} (zero: never
     * queue). Blocks only while queued.
     *
     * @throws InterruptedException if interrupted while queued; the request then holds nothing
     *     and has left the queue
     */
    Admission acquire(Priority priority, Duration maxWait) throws InterruptedException;

    /**
     * Whether {@link #acquire(Priority, Duration)} asked now would shed the request at once, without queueing it:
     * for a caller that has work to do before it asks (reading a request body) and would rather not do it for a
     * request that is refused anyway. Takes no permit and joins no queue. A refusal is counted as a shed, as
     * {@code acquire} would count it; empty when the request might be admitted or queued.
     */
    java.util.Optional<Admission.Rejected> shedNow(Priority priority, Duration maxWait);

    /** {@link #acquire(Priority, Duration)} with the limiter's default maximum wait. */
    Admission acquire(Priority priority) throws InterruptedException;

    long inFlight();

    int limit();

    /** Requests waiting in the queue now. */
    int queued();

    LimiterStats stats();

    String name();
}
