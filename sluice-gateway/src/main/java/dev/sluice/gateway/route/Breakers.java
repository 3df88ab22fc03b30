package dev.sluice.gateway.route;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Builds the breaker of a target and the (stackless) errors it is fed. */
final class Breakers {

    /** Streams last minutes: a long call is not a slow call, so slow-call tripping is off. */
    private static final Duration NEVER_SLOW = Duration.ofDays(365);

    private static final Map<AttemptOutcome, UpstreamFailure> FAILURES = new EnumMap<>(AttemptOutcome.class);

    static {
        for (AttemptOutcome o : AttemptOutcome.values()) {
            FAILURES.put(o, new UpstreamFailure(o));
        }
    }

    private Breakers() {}

    static CircuitBreaker create(String id, BreakerPolicy p, Clock clock) {
        SlidingWindowType type = p.window() == BreakerPolicy.Window.TIME
                ? SlidingWindowType.TIME_BASED : SlidingWindowType.COUNT_BASED;
        int minimumCalls = type == SlidingWindowType.COUNT_BASED
                ? Math.min(p.minimumCalls(), p.slidingWindowSize()) : p.minimumCalls(); // a count window never holds more
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(p.failureRateThreshold())
                .slidingWindowType(type)
                .slidingWindowSize(p.slidingWindowSize())
                .minimumNumberOfCalls(minimumCalls)
                .waitDurationInOpenState(p.waitInOpen())
                .permittedNumberOfCallsInHalfOpenState(p.permittedInHalfOpen())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .slowCallDurationThreshold(NEVER_SLOW)
                .slowCallRateThreshold(100)
                .clock(clock)
                .build();
        return CircuitBreaker.of(id, config);
    }

    /** Whether the outcome counts against the upstream: connect errors, timeouts, 5xx and 529. */
    static boolean isFailure(AttemptOutcome o) {
        return switch (o) {
            case SERVER_ERROR, OVERLOADED, CONNECT_FAILED, TIMEOUT -> true;
            default -> false;
        };
    }

    static Throwable failure(AttemptOutcome o) {
        return FAILURES.get(o);
    }

    /** What the breaker records for a failed attempt; shared, no stack trace. */
    static final class UpstreamFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UpstreamFailure(AttemptOutcome outcome) {
            super("upstream attempt failed: " + outcome, null, false, false);
        }
    }
}
