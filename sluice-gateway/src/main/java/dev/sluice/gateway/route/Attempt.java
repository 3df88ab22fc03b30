package dev.sluice.gateway.route;

import dev.sluice.gateway.route.health.TargetState;
import dev.sluice.gateway.route.targets.RouteTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One upstream attempt: which target, with which key. Holds an in-flight slot and a breaker
 * permission from {@link Plan#next()} until {@link #close()}; use it in try-with-resources.
 * {@link #finish} and {@link #close} may be called from any thread.
 */
public final class Attempt implements AutoCloseable {

    private static final Map<AttemptOutcome, UpstreamFailure> FAILURES = new EnumMap<>(AttemptOutcome.class);

    static {
        for (AttemptOutcome o : AttemptOutcome.values()) {
            FAILURES.put(o, new UpstreamFailure(o));
        }
    }

    private final RouteTarget routeTarget;
    private final KeyRing keys;
    private final int keyIndex;
    private final int number;
    private final long startMillis;
    private final Clock clock;
    private final Duration keyCooldown;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile @Nullable AttemptOutcome outcome; // written once, after retryAfter
    private volatile @Nullable Duration retryAfter;

    Attempt(RouteTarget routeTarget, KeyRing keys, int keyIndex, int number, Duration delay, PlanContext ctx) {
        this.routeTarget = routeTarget;
        this.keys = keys;
        this.keyIndex = keyIndex;
        this.number = number;
        this.clock = ctx.clock();
        this.startMillis = clock.millis() + delay.toMillis(); // the caller waits the delay first
        this.keyCooldown = ctx.policy().keyCooldown();
        routeTarget.state().takeSlot();
    }

    public Target target() {
        return routeTarget.target();
    }

    /** The provider key to send, or empty when the provider has no keys configured. */
    public Optional<String> apiKey() {
        return keys.key(keyIndex);
    }

    /** 1-based. */
    public int number() {
        return number;
    }

    /**
     * Records how the attempt ended: in the target's breaker (success, failure or neither, with the
     * elapsed time), in the key's cooldown on 429, and for {@link Plan#next()}'s decision. Only the
     * first call counts.
     */
    public void finish(AttemptOutcome outcome, Optional<Duration> retryAfter) {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        TargetState state = routeTarget.state();
        try {
            long elapsed = Math.max(0, clock.millis() - startMillis);
            if (outcome == AttemptOutcome.SUCCESS) {
                state.breaker().onSuccess(elapsed, TimeUnit.MILLISECONDS);
            } else if (isBreakerFailure(outcome)) {
                state.countFailure();
                state.breaker().onError(elapsed, TimeUnit.MILLISECONDS, FAILURES.get(outcome));
            } else {
                state.breaker().releasePermission(); // not the upstream's fault: neither success nor failure
            }
            if (outcome == AttemptOutcome.RATE_LIMITED) {
                state.countRateLimited();
                keys.coolDown(keyIndex, retryAfter.orElse(keyCooldown));
            }
        } finally {
            this.retryAfter = retryAfter.orElse(null);
            this.outcome = outcome;
        }
    }

    /** Releases the in-flight slot, once; an attempt never finished is recorded as {@link AttemptOutcome#CANCELLED}. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            finish(AttemptOutcome.CANCELLED, Optional.empty());
        } finally {
            routeTarget.state().releaseSlot();
        }
    }

    RouteTarget routeTarget() {
        return routeTarget;
    }

    int keyIndex() {
        return keyIndex;
    }

    /** The outcome once finished (by {@link #finish} or {@link #close}), else empty. */
    public Optional<AttemptOutcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public String toString() {
        return "attempt " + number + " on " + target().id() + (outcome != null ? " (" + outcome + ")" : "");
    }

    /** Whether the outcome counts against the upstream: connect errors, timeouts, 5xx and 529. */
    static boolean isBreakerFailure(AttemptOutcome o) {
        return switch (o) {
            case SERVER_ERROR, BROKE_MID_STREAM, OVERLOADED, CONNECT_FAILED, TIMEOUT -> true;
            default -> false;
        };
    }

    /** What the breaker records for a failed attempt; shared, no stack trace. */
    static final class UpstreamFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UpstreamFailure(AttemptOutcome outcome) {
            super("upstream attempt failed: " + outcome, null, false, false);
        }
    }
}
