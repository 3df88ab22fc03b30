package dev.sluice.gateway.route.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * What the router keeps per target id, shared by every route that names it: the circuit breaker, the
 * attempts in flight, the counts behind {@link TargetStats}, and the probe of the target's health.
 */
public final class TargetState {

    private final String id;
    final BooleanSupplier probe; // true: healthy
    private final CircuitBreaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    final LongAdder probes = new LongAdder();
    final AtomicBoolean probing = new AtomicBoolean(); // a probe is scheduled or running
    final AtomicInteger probeFailures = new AtomicInteger();
    private final Clock clock;
    private volatile long openUntil; // epoch millis; meaningful while the breaker is OPEN

    private TargetState(String id, BooleanSupplier probe, BreakerPolicy policy, Clock clock, Probes probes) {
        this.id = id;
        this.probe = probe;
        this.clock = clock;
        this.breaker = Breakers.create(id, policy, clock);
        long wait = policy.waitInOpen().toMillis();
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == State.OPEN) {
                openUntil = clock.millis() + wait;
                probes.opened(this);
            }
        });
    }

    /**
     * The state of target {@code id} ({@code provider/model}); {@code probe} says whether it is healthy
     * again, and {@code probes} runs it while the breaker is open.
     */
    public static TargetState of(String id, BooleanSupplier probe, BreakerPolicy policy, Clock clock, Probes probes) {
        return new TargetState(id, probe, policy, clock, probes);
    }

    public String id() {
        return id;
    }

    /** The breaker: a plan takes and gives back its permissions, an attempt records how it ended. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Attempts holding an in-flight slot now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** An attempt took an in-flight slot. */
    public void takeSlot() {
        inFlight.incrementAndGet();
    }

    /** An attempt gave its in-flight slot back. */
    public void releaseSlot() {
        inFlight.decrementAndGet();
    }

    /** An attempt went to this target. */
    public void countAttempt() {
        attempts.increment();
    }

    /** An attempt retried this target after it failed. */
    public void countRetry() {
        retries.increment();
    }

    /** An attempt came to this target after another one failed. */
    public void countFallback() {
        fallbacks.increment();
    }

    /** An attempt failed in a way that counts against the upstream. */
    public void countFailure() {
        failures.increment();
    }

    /** An attempt was answered 429. */
    public void countRateLimited() {
        rateLimited.increment();
    }

    /** Not open, or open past its wait (the next permission request moves it to half-open). */
    public boolean available() {
        return switch (breaker.getState()) {
            case OPEN -> clock.millis() >= openUntil;
            case FORCED_OPEN -> false;
            default -> true;
        };
    }

    public boolean isOpen() {
        return breaker.getState() == State.OPEN;
    }

    public Instant openUntil() {
        return Instant.ofEpochMilli(openUntil);
    }

    public long openUntilMillis() {
        return openUntil;
    }

    public TargetStats stats() {
        return new TargetStats(
                id(),
                breaker.getState().name(),
                breaker.getMetrics().getFailureRate(),
                inFlight.get(),
                attempts.sum(),
                failures.sum(),
                retries.sum(),
                fallbacks.sum(),
                rateLimited.sum(),
                probes.sum());
    }
}
