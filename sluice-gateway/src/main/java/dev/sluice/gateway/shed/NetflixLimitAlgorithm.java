package dev.sluice.gateway.shed;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import dev.sluice.core.LimitAlgorithm;
import dev.sluice.core.Outcome;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * An adaptive {@link LimitAlgorithm} over a Netflix concurrency-limits {@link Limit}. Every
 * {@link Outcome#SUCCESS} is a latency sample and every {@link Outcome#DROPPED} a sample with
 * {@code didDrop}; {@link Outcome#FAILURE} and {@link Outcome#CANCELLED} say nothing about
 * capacity and are not fed to the limit. The limiter re-reads {@link #limit()} on every decision.
 *
 * <p>Note: Netflix's {@code Gradient2Limit} (0.5.4) reacts only to round-trip times and ignores
 * {@code didDrop}; {@code VegasLimit} backs off on a drop.
 */
public final class NetflixLimitAlgorithm implements LimitAlgorithm {

    private final Limit limit;
    private final String description;
    private final LongSupplier ticker;
    private final boolean learnsFromDrops;

    NetflixLimitAlgorithm(Limit limit, String description, LongSupplier ticker) {
        this(limit, description, ticker, true);
    }

    private NetflixLimitAlgorithm(Limit limit, String description, LongSupplier ticker, boolean learnsFromDrops) {
        this.learnsFromDrops = learnsFromDrops;
        this.limit = Objects.requireNonNull(limit, "limit");
        this.description = Objects.requireNonNull(description, "description");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /**
     * Netflix's gradient2: grows while short-term RTTs stay near the long-term average and shrinks
     * when they rise above it; starts at {@code initial}, stays within {@code [min, max]}.
     */
    public static NetflixLimitAlgorithm gradient2(int initial, int min, int max) {
        requireOrdered(1, "min", min);
        requireOrdered(min, "initial", initial);
        requireOrdered(initial, "max", max);
        Limit limit = Gradient2Limit.newBuilder()
                .initialLimit(initial)
                .minLimit(min)
                .maxConcurrency(max)
                .build();
        // Gradient2 0.5.4 ignores didDrop: a fast upstream 529 would read as a fast success and raise
        // the limit, so drops are not fed to it at all.
        return new NetflixLimitAlgorithm(
                limit, "gradient2(initial " + initial + ", min " + min + ", max " + max + ")", System::nanoTime, false);
    }

    /**
     * Netflix's Vegas: estimates queueing from RTT above the no-load RTT and backs off on drops;
     * starts at {@code initial}, at most {@code max}.
     */
    public static NetflixLimitAlgorithm vegas(int initial, int max) {
        requireOrdered(1, "initial", initial);
        requireOrdered(initial, "max", max);
        Limit limit = VegasLimit.newBuilder()
                .initialLimit(initial)
                .maxConcurrency(max)
                .build();
        return new NetflixLimitAlgorithm(limit, "vegas(initial " + initial + ", max " + max + ")", System::nanoTime);
    }

    @Override
    public int limit() {
        return Math.max(1, limit.getLimit());
    }

    @Override
    public void onSample(long heldNanos, long inFlightAtGrant, Outcome outcome) {
        switch (outcome) {
            case SUCCESS -> sample(heldNanos, inFlightAtGrant, false);
            case DROPPED -> {
                if (learnsFromDrops) {
                    sample(heldNanos, inFlightAtGrant, true);
                }
            }
            case FAILURE, CANCELLED -> {} // not a capacity signal
        }
    }

    private void sample(long heldNanos, long inFlightAtGrant, boolean didDrop) {
        long rtt = Math.max(1, heldNanos); // Vegas refuses an RTT of 0 (a coarse clock can measure one)
        int inflight = (int) Math.min(Integer.MAX_VALUE, Math.max(0, inFlightAtGrant));
        limit.onSample(ticker.getAsLong() - rtt, rtt, inflight, didDrop);
    }

    @Override
    public String toString() {
        return "netflix " + description + " at " + limit();
    }

    private static void requireOrdered(int lower, String what, int value) {
        if (value < lower) {
            throw new IllegalArgumentException(what + " limit must be at least " + lower + ", got " + value);
        }
    }
}
