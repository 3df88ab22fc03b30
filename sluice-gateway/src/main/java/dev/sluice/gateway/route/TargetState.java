package dev.sluice.gateway.route;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the router keeps per target id, shared by every route that names it. */
final class TargetState {

    final Target target;
    final CircuitBreaker breaker;
    final AtomicInteger inFlight = new AtomicInteger();
    final LongAdder attempts = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder fallbacks = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder probes = new LongAdder();
    final AtomicBoolean probing = new AtomicBoolean(); // a probe is scheduled or running
    final AtomicInteger probeFailures = new AtomicInteger();
    private final Clock clock;
    private volatile long openUntil; // epoch millis; meaningful while the breaker is OPEN

    TargetState(Target target, BreakerPolicy policy, Clock clock, Probes probes) {
        this.target = target;
        this.clock = clock;
        this.breaker = Breakers.create(target.id(), policy, clock);
        long wait = policy.waitInOpen().toMillis();
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == State.OPEN) {
                openUntil = clock.millis() + wait;
                probes.opened(this);
            }
        });
    }

    String id() {
        return target.id();
    }

    /** Not open, or open past its wait (the next permission request moves it to half-open). */
    boolean available() {
        return switch (breaker.getState()) {
            case OPEN -> clock.millis() >= openUntil;
            case FORCED_OPEN -> false;
            default -> true;
        };
    }

    boolean isOpen() {
        return breaker.getState() == State.OPEN;
    }

    Instant openUntil() {
        return Instant.ofEpochMilli(openUntil);
    }

    long openUntilMillis() {
        return openUntil;
    }

    TargetStats stats() {
        return new TargetStats(id(), breaker.getState().name(), breaker.getMetrics().getFailureRate(),
                inFlight.get(), attempts.sum(), failures.sum(), retries.sum(), fallbacks.sum(),
                rateLimited.sum(), probes.sum());
    }
}
