package dev.sluice.gateway.context;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Time on the request path: a nanosecond ticker and a sleeper, so the retry delays and the request
 * deadline can be driven without waiting. Production uses {@link #system()}. The ticker must share
 * {@link System#nanoTime()}'s time base there: the edge's write deadlines and the access log's
 * first-byte time are compared with it.
 */
public record Timing(LongSupplier nanoTime, Sleeper sleeper) {

    /** Waits; the system one is {@link Thread#sleep(long)} in whole milliseconds. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private static final Timing SYSTEM = new Timing(System::nanoTime, d -> Thread.sleep(d.toMillis()));

    public Timing {
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(sleeper, "sleeper");
    }

    /** {@link System#nanoTime()} and {@link Thread#sleep(long)}. */
    public static Timing system() {
        return SYSTEM;
    }

    public long now() {
        return nanoTime.getAsLong();
    }
}
