package dev.sluice.core;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@link MemoryMonitor} knows: the state, the last post-GC floor of the old generation and its
 * max, least-squares slopes of the floor over the ring of recent collections (bytes per minute and
 * per completed request; 0 with fewer than 3 floors), whether a leak is suspected, how many floors
 * the ring holds, and the collection count and time of the last sample ({@link Instant#EPOCH} and 0
 * before the first).
 */
public record MemoryReport(
        State state,
        long floorBytes,
        long maxBytes,
        double floorFraction,
        double slopeBytesPerMinute,
        double slopeBytesPerRequest,
        boolean leakSuspected,
        int samples,
        long gcCount,
        Instant lastSample) {

    /** OK below {@code warnAbove}; WARN from {@code warnAbove}; CRITICAL from {@code shedAbove}. */
    public enum State {
        OK,
        WARN,
        CRITICAL
    }

    public MemoryReport {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastSample, "lastSample");
    }

    /** The report before any post-GC sample was seen. */
    static MemoryReport none() {
        return new MemoryReport(State.OK, 0, 0, 0, 0, 0, false, 0, 0, Instant.EPOCH);
    }
}
