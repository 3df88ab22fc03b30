package dev.sluice.core;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Configures a {@link Limiter}; from {@link Limiter#builder(String)}. Defaults: algorithm
 * {@code fixed(64)}, queue capacity 0 (no queue), max wait 200 ms, interactive reserve 0.2,
 * gate {@link AdmissionGate#OPEN}.
 */
public final class LimiterBuilder {

    /** The limit of the default algorithm. */
    public static final int DEFAULT_LIMIT = 64;
    /** How long a queued request waits when {@link Limiter#acquire(Priority)} is used. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(200);
    /** The fraction of the limit batch work may not use. */
    public static final double DEFAULT_INTERACTIVE_RESERVE = 0.2;

    private final String name;
    private LimitAlgorithm algorithm = LimitAlgorithm.fixed(DEFAULT_LIMIT);
    private int queueCapacity;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private double interactiveReserve = DEFAULT_INTERACTIVE_RESERVE;
    private AdmissionGate gate = AdmissionGate.OPEN;
    private LongSupplier ticker = System::nanoTime;

    LimiterBuilder(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Decides the limit, re-read on every decision; default {@code LimitAlgorithm.fixed(64)}. */
    public LimiterBuilder algorithm(LimitAlgorithm algorithm) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        return this;
    }

    /** How many requests may wait for a permit at once; default 0, no queue. */
    public LimiterBuilder queueCapacity(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("queue capacity must not be negative, got " + capacity);
        }
        this.queueCapacity = capacity;
        return this;
    }

    /** The wait of {@link Limiter#acquire(Priority)}; default 200 ms, zero for never queueing. */
    public LimiterBuilder maxWait(Duration maxWait) {
        this.maxWait = Durations.notNegative(maxWait, "max wait");
        return this;
    }

    /**
     * The fraction of the limit, in {@code [0, 1)}, that batch work may not use; default 0.2. Batch
     * work may always use at least one permit, so it is never starved by a small limit.
     */
    public LimiterBuilder interactiveReserve(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("interactive reserve must be in [0, 1), got " + fraction);
        }
        this.interactiveReserve = fraction;
        return this;
    }

    /** Asked before every admission; default {@link AdmissionGate#OPEN}. */
    public LimiterBuilder gate(AdmissionGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
        return this;
    }

    /** The nanosecond clock for hold times and measured waits (waits themselves run on real time). */
    LimiterBuilder ticker(LongSupplier ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        return this;
    }

    public Limiter build() {
        return new CountingLimiter(
                name, algorithm, ticker, gate, new WaitQueue(queueCapacity), maxWait, interactiveReserve);
    }
}
