package dev.sluice.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One reading of the old generation right after a garbage collection: the bytes still in use (the
 * "floor": live data plus whatever that collection did not reclaim), the pool's maximum, a
 * collection count that advances with each new floor, and when the floor was seen.
 */
public record MemorySample(long usedBytes, long maxBytes, long gcCount, Instant at) {

    public MemorySample {
        if (usedBytes < 0) {
            throw new IllegalArgumentException("usedBytes must not be negative, got " + usedBytes);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if (gcCount < 0) {
            throw new IllegalArgumentException("gcCount must not be negative, got " + gcCount);
        }
        Objects.requireNonNull(at, "at");
    }

    /** {@code usedBytes / maxBytes}. */
    public double fraction() {
        return (double) usedBytes / maxBytes;
    }
}
