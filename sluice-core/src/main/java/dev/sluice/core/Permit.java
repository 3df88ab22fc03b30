package dev.sluice.core;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The right to do one unit of admitted work. Release it on every path with try-with-resources:
 * {@link #close()} releases exactly once, with the outcome last recorded by
 * {@link #outcome(Outcome)}, or {@link Outcome#FAILURE} if none was (so an exception or an
 * {@code Error} escaping the body counts as a failure). Further closes do nothing.
 */
public final class Permit implements AutoCloseable {

    private final CountingLimiter limiter;
    private final long grantedAtNanos;
    private final long inFlightAtGrant;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile @Nullable Outcome outcome; // null until the first outcome(...)

    Permit(CountingLimiter limiter, long grantedAtNanos, long inFlightAtGrant) {
        this.limiter = limiter;
        this.grantedAtNanos = grantedAtNanos;
        this.inFlightAtGrant = inFlightAtGrant;
    }

    /** Records how the work ended; the last call before {@link #close()} wins. */
    public void outcome(Outcome outcome) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /** Releases the permit once; later calls, from any thread, are no-ops. */
    @Override
    public void close() {
        if (released.getAndSet(true)) {
            return;
        }
        Outcome recorded = outcome;
        limiter.release(this, recorded == null ? Outcome.FAILURE : recorded);
    }

    public boolean isReleased() {
        return released.get();
    }

    long grantedAtNanos() {
        return grantedAtNanos;
    }

    long inFlightAtGrant() {
        return inFlightAtGrant;
    }

    @Override
    public String toString() {
        return "permit of " + limiter.name() + (released.get() ? " (released)" : "");
    }
}
