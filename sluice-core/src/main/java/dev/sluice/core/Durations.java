package dev.sluice.core;

import java.time.Duration;
import java.util.Objects;

/** Argument checks for durations, naming the option and the bad value. */
final class Durations {

    private Durations() {}

    static Duration positive(Duration d, String what) {
        if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    static Duration notNegative(Duration d, String what) {
        if (Objects.requireNonNull(d, what).isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
        return d;
    }
}
