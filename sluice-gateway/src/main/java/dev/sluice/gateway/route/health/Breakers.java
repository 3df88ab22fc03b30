package dev.sluice.gateway.route.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Clock;
import java.time.Duration;

/** Builds the breaker of a target. */
final class Breakers {

    /** Streams last minutes: a long call is not a slow call, so slow-call tripping is off. */
    private static final Duration NEVER_SLOW = Duration.ofDays(365);

    private Breakers() {}

    static CircuitBreaker create(String id, BreakerPolicy p, Clock clock) {
        SlidingWindowType type =
                p.window() == BreakerPolicy.Window.TIME ? SlidingWindowType.TIME_BASED : SlidingWindowType.COUNT_BASED;
        int minimumCalls = type == SlidingWindowType.COUNT_BASED
                ? Math.min(p.minimumCalls(), p.slidingWindowSize())
                : p.minimumCalls(); // a count window never holds more
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
}
