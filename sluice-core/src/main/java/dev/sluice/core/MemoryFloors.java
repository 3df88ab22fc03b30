package dev.sluice.core;

import java.time.Instant;

/**
 * A fixed-size ring of post-GC floors, each with its time and the completed-request count at that
 * time, and the least-squares fits over it. Not thread-safe: the monitor guards it.
 */
final class MemoryFloors {

    private static final double MILLIS_PER_MINUTE = 60_000.0;

    private final long[] millis;
    private final long[] floors;
    private final long[] requests;
    private int next; // slot the next floor goes to
    private int size;

    MemoryFloors(int capacity) {
        if (capacity < 3) {
            throw new IllegalArgumentException("ring capacity must be at least 3, got " + capacity);
        }
        millis = new long[capacity];
        floors = new long[capacity];
        requests = new long[capacity];
    }

    /** Appends a floor, overwriting the oldest when full. */
    void add(Instant at, long floorBytes, long requestsCompleted) {
        millis[next] = at.toEpochMilli();
        floors[next] = floorBytes;
        requests[next] = requestsCompleted;
        next = (next + 1) % floors.length;
        size = Math.min(size + 1, floors.length);
    }

    int size() {
        return size;
    }

    int capacity() {
        return floors.length;
    }

    /** Bytes per minute of sample time; 0 with fewer than 3 floors or all at one instant. */
    double slopePerMinute() {
        return slope(millis) * MILLIS_PER_MINUTE;
    }

    /** Bytes per completed request; 0 with fewer than 3 floors or a counter that did not move. */
    double slopePerRequest() {
        return slope(requests);
    }

    /** Whether each of the last {@code n} floors is above the one before it. */
    boolean risingAcrossLast(int n) {
        if (n < 1 || size < n + 1) {
            return false;
        }
        for (int i = size - n; i < size; i++) {
            if (floors[slot(i)] <= floors[slot(i - 1)]) {
                return false;
            }
        }
        return true;
    }

    /** Least-squares slope of floor against {@code xs}, oldest first; 0 with fewer than 3 floors. */
    private double slope(long[] xs) {
        if (size < 3) {
            return 0;
        }
        double[] x = new double[size];
        double[] y = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = xs[slot(i)];
            y[i] = floors[slot(i)];
        }
        return LeastSquares.slope(x, y);
    }

    /** The array slot of the i-th oldest floor. */
    private int slot(int i) {
        int oldest = size < floors.length ? 0 : next;
        return (oldest + i) % floors.length;
    }
}
