package dev.sluice.bench;

import java.time.Duration;

/**
 * One stretch of constant offered load: {@code loadFactor} times the capacity, for {@code length}.
 *
 * @param name       shown in the report ("2x", "recovery")
 * @param loadFactor offered load as a multiple of the capacity C
 * @param length     how long requests are sent at that rate
 * @param kind       what the phase is for
 */
record Phase(String name, double loadFactor, Duration length, Kind kind) {

    /** What a phase is for; only {@link #WARMUP} is left out of the report. */
    enum Kind {
        WARMUP,
        BASELINE,
        LOAD,
        RECOVERY
    }

    Phase {
        if (!(loadFactor > 0)) {
            throw new IllegalArgumentException("phase " + name + ": load factor must be > 0, was " + loadFactor);
        }
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("phase " + name + ": length must be > 0, was " + length);
        }
    }

    /** Requests per second this phase offers against a capacity of {@code capacityPerSecond}. */
    double offeredPerSecond(double capacityPerSecond) {
        return loadFactor * capacityPerSecond;
    }
}
