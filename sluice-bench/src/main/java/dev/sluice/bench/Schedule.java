package dev.sluice.bench;

import java.time.Duration;

/**
 * The open-loop schedule of one phase: request {@code i} is due at {@code startNanos + i / rate}
 * seconds, whatever happened to the requests before it. Latency is measured from that intended
 * time, so a slow server (or a late client) is charged for every request it delayed.
 *
 * @param startNanos the phase's start on the {@link System#nanoTime()} scale
 * @param perSecond  the arrival rate, requests per second, greater than 0
 * @param count      how many requests the phase sends
 */
record Schedule(long startNanos, double perSecond, int count) {

    Schedule {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException(
                    "rate must be a positive number of requests per second, was " + perSecond);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
    }

    /** The schedule of a phase {@code length} long at {@code perSecond}: {@code floor(rate x seconds)} requests. */
    static Schedule of(long startNanos, double perSecond, Duration length) {
        double n = Math.floor(perSecond * length.toNanos() / 1e9 + 1e-9);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("phase too long: " + n + " requests");
        }
        return new Schedule(startNanos, perSecond, (int) n);
    }

    /** When request {@code i} (0-based) is due, on the {@link System#nanoTime()} scale. */
    long intendedNanos(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("request " + i + " of " + count);
        }
        return startNanos + Math.round(i * 1e9 / perSecond);
    }
}
