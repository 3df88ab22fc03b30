package dev.sluice.gateway.context;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Time on the request path: a nanosecond ticker, a sleeper and a wall clock, so the retry delays, the
 * request deadline and cache expiry can be driven without waiting. Production uses {@link #system()}.
 * The ticker must share {@link System#nanoTime()}'s time base there: the edge's write deadlines and the
 * access log's first-byte time are compared with it.
 *
 * @param nanoTime a monotonic nanosecond ticker (durations, deadlines)
 * @param sleeper waits
 * @param epochMillis the wall clock in milliseconds since the epoch (timestamps, cache entry expiry)
 */
public record Timing(LongSupplier nanoTime, Sleeper sleeper, LongSupplier epochMillis) {

    /** Waits; the system one is {@link Thread#sleep(long)} in whole milliseconds. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private static final Timing SYSTEM =
            new Timing(System::nanoTime, d -> Thread.sleep(d.toMillis()), System::currentTimeMillis);

    public Timing {
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(epochMillis, "epochMillis");
    }

    /** A ticker and a sleeper with the system's wall clock ({@link System#currentTimeMillis()}). */
    public Timing(LongSupplier nanoTime, Sleeper sleeper) {
        this(nanoTime, sleeper, System::currentTimeMillis);
    }

    /** {@link System#nanoTime()}, {@link Thread#sleep(long)} and {@link System#currentTimeMillis()}. */
    public static Timing system() {
        return SYSTEM;
    }

    /** The ticker's reading, in nanoseconds. */
    public long now() {
        return nanoTime.getAsLong();
    }

    /** The wall clock's reading, in milliseconds since the epoch. */
    public long nowMillis() {
        return epochMillis.getAsLong();
    }

    /** Sleeps through the sleeper. */
    public void sleep(Duration d) throws InterruptedException {
        sleeper.sleep(d);
    }
}
