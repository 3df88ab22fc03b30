package dev.sluice.gateway.route.health;

import java.time.Clock;
import java.time.Duration;

/**
 * The gateway's one retry budget: over a sliding window of {@value #BUCKETS} buckets, retries may
 * reach {@code ratio x inbound + floorPerSecond x windowSeconds}. Fixed arrays; one lock, held
 * for a few array reads.
 */
public final class RetryBudget {

    static final int BUCKETS = 10;

    private final Clock clock;
    private final double ratio;
    private final double floor;
    private final long bucketMillis;
    private final long[] slot = new long[BUCKETS];
    private final long[] inbound = new long[BUCKETS];
    private final long[] retries = new long[BUCKETS];
    private long totalInbound; // all guarded by this
    private long granted;
    private long denied;

    private RetryBudget(double ratio, int floorPerSecond, Duration window, Clock clock) {
        this.clock = clock;
        this.ratio = ratio;
        this.bucketMillis = Math.max(1, window.toMillis() / BUCKETS);
        this.floor = floorPerSecond * (bucketMillis * BUCKETS / 1000.0);
        java.util.Arrays.fill(slot, Long.MIN_VALUE);
    }

    /**
     * Retries up to {@code ratio} x inbound requests + {@code floorPerSecond} per second over a sliding
     * {@code window} (the routing policy's {@code retryRatio}, {@code retryFloorPerSecond}, {@code retryWindow}).
     */
    public static RetryBudget of(double ratio, int floorPerSecond, Duration window, Clock clock) {
        return new RetryBudget(ratio, floorPerSecond, window, clock);
    }

    /** A request got a non-empty plan. */
    public synchronized void recordInbound() {
        inbound[roll()]++;
        totalInbound++;
    }

    /** Takes a token for a retry or fallback; false (and counted) when the window's budget is spent. */
    public synchronized boolean tryRetry() {
        int i = roll();
        if (windowRetries() < ratio * windowInbound() + floor) {
            retries[i]++;
            granted++;
            return true;
        }
        denied++;
        return false;
    }

    /** Why {@link #tryRetry()} refused, with the state that made it refuse. */
    public synchronized String exhaustedReason() {
        roll();
        return String.format(
                java.util.Locale.ROOT,
                "retry budget exhausted: %d retries for %d requests in the last %d ms (allowed %.1f x requests + %.0f)",
                windowRetries(),
                windowInbound(),
                bucketMillis * BUCKETS,
                ratio,
                floor);
    }

    public synchronized RetryStats stats() {
        roll();
        return new RetryStats(totalInbound, granted, denied, windowInbound(), windowRetries());
    }

    private int roll() {
        long now = Math.floorDiv(clock.millis(), bucketMillis);
        int i = (int) Math.floorMod(now, (long) BUCKETS);
        if (slot[i] != now) {
            slot[i] = now;
            inbound[i] = 0;
            retries[i] = 0;
        }
        return i;
    }

    private long windowInbound() {
        return sum(inbound);
    }

    private long windowRetries() {
        return sum(retries);
    }

    private long sum(long[] counts) {
        long now = Math.floorDiv(clock.millis(), bucketMillis);
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (slot[i] > now - BUCKETS && slot[i] <= now) {
                total += counts[i];
            }
        }
        return total;
    }
}
