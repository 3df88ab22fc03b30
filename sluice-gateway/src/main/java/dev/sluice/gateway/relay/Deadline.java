package dev.sluice.gateway.relay;

import dev.sluice.gateway.context.Timing;
import java.time.Duration;

/** timeouts.total: one deadline for the whole request, across all its attempts, on the request's ticker. */
record Deadline(Timing timing, long atNanos, Duration total) {

    static Deadline after(Timing timing, Duration total) {
        return new Deadline(timing, timing.now() + total.toNanos(), total);
    }

    boolean passed() {
        return timing.now() - atNanos >= 0;
    }

    /** The time left, at least 1 ms (an upstream call needs a positive timeout). */
    Duration remaining() {
        return Duration.ofNanos(Math.max(1_000_000, atNanos - timing.now()));
    }
}
