package dev.sluice.gateway.metrics;

import java.util.Arrays;

/** The last {@code capacity} samples (a fixed ring), for live p50/p99 on the dashboard; thread-safe. */
final class RecentLatencies {

    private final long[] ring;
    private int next;
    private int size;

    RecentLatencies(int capacity) {
        this.ring = new long[capacity];
    }

    synchronized void add(long micros) {
        ring[next] = micros;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The {@code q} quantile (0..1) in milliseconds of the recent samples; 0 without samples. */
    double quantileMillis(double q) {
        long[] copy;
        synchronized (this) {
            copy = Arrays.copyOf(ring, size);
        }
        if (copy.length == 0) {
            return 0;
        }
        Arrays.sort(copy);
        int i = (int) Math.min(copy.length - 1, Math.ceil(q * copy.length) - 1);
        return copy[Math.max(0, i)] / 1000.0;
    }
}
