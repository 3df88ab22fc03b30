package dev.sluice.core;

import java.time.Clock;
import java.util.Optional;

/** A probe tests drive by hand: each {@link #gcLeft} is a new collection; it can also be made to fail. */
final class MemoryTestProbe implements MemoryProbe {

    static final long MAX = 1024L * 1024 * 1024;

    private final Clock clock;
    private volatile MemorySample sample; // null until the first collection
    private volatile int failuresLeft;
    private long gcs; // guarded by this

    MemoryTestProbe(Clock clock) {
        this.clock = clock;
    }

    /** A new collection left the old gen at {@code fraction} of {@link #MAX}. */
    void gcLeft(double fraction) {
        gcLeftBytes(Math.round(fraction * MAX));
    }

    synchronized void gcLeftBytes(long bytes) {
        sample = new MemorySample(bytes, MAX, ++gcs, clock.instant());
    }

    /** The next {@code n} reads throw. */
    void failNext(int n) {
        failuresLeft = n;
    }

    @Override
    public Optional<MemorySample> afterLastGc() {
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new IllegalStateException("planted probe failure");
        }
        return Optional.ofNullable(sample);
    }

    /** A collection leaving {@code fraction} of max in the old generation, seen by {@code monitor} at once. */
    void collect(MemoryMonitor monitor, double fraction) {
        gcLeft(fraction);
        monitor.refresh();
    }
}
