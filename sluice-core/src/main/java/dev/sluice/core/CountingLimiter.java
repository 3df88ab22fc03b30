package dev.sluice.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The one {@link Limiter}: an in-flight counter moved only by {@link #tryAcquire()} (a CAS loop,
 * so it never exceeds the limit) and {@link #release}, which only a {@link Permit} calls, once.
 */
final class CountingLimiter implements Limiter {

    private static final Logger LOG = System.getLogger(CountingLimiter.class.getName());

    private final String name;
    private final LimitAlgorithm algorithm;
    private final LongSupplier ticker;
    private final AtomicLong inFlight = new AtomicLong();
    private final LongAdder admitted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    CountingLimiter(String name, LimitAlgorithm algorithm, LongSupplier ticker) {
        this.name = Objects.requireNonNull(name, "name");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    @Override
    public Admission tryAcquire() {
        while (true) {
            long current = inFlight.get();
            int limit = algorithm.limit();
            if (current >= limit) {
                rejected.increment();
                return new Admission.Rejected("in-flight " + current + "/" + limit);
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                admitted.increment();
                return new Admission.Granted(new Permit(this, ticker.getAsLong(), current + 1));
            }
        }
    }

    /** Called by {@link Permit#close()} exactly once per granted permit. */
    void release(Permit permit, Outcome outcome) {
        switch (outcome) {
            case SUCCESS -> succeeded.increment();
            case FAILURE -> failed.increment();
            case CANCELLED -> cancelled.increment();
            case DROPPED -> dropped.increment();
        }
        inFlight.decrementAndGet();
        long held = ticker.getAsLong() - permit.grantedAtNanos();
        try {
            algorithm.onSample(held, permit.inFlightAtGrant(), outcome);
        } catch (RuntimeException e) { // the permit is released; a broken algorithm must not mask the body
            LOG.log(Level.WARNING, "limit algorithm " + algorithm + " of " + name + " threw on sample", e);
        }
    }

    @Override
    public long inFlight() {
        return inFlight.get();
    }

    @Override
    public int limit() {
        return algorithm.limit();
    }

    @Override
    public LimiterStats stats() {
        return new LimiterStats(
                inFlight.get(),
                algorithm.limit(),
                admitted.sum(),
                rejected.sum(),
                succeeded.sum(),
                failed.sum(),
                cancelled.sum(),
                dropped.sum());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String leakSourceName() {
        return "limiter " + name;
    }

    @Override
    public List<String> leaks() {
        long n = inFlight.get();
        return n > 0 ? List.of("in-flight " + n + " (expected 0)") : List.of();
    }

    @Override
    public String toString() {
        return "limiter " + name + " " + algorithm + " in-flight " + inFlight.get();
    }
}
