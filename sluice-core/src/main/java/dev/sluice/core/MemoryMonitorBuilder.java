package dev.sluice.core;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link MemoryMonitor}; from {@link MemoryMonitor#builder()}. Every default sits next
 * to its option. {@link #build()} and {@link #start()} check the options together and refuse with
 * every bad one named, with its value.
 */
public final class MemoryMonitorBuilder {

    private @Nullable MemoryProbe probe;
    private Clock clock = Clock.systemUTC();
    private Duration refreshInterval = Duration.ofMillis(250);
    private double shedAbove = 0.92;
    private double admitBelow = 0.85;
    private double warnAbove = 0.80;
    private int ringSize = 128;
    private int leakWindow = 8;
    private LongSupplier requestsCompleted = () -> 0;
    private boolean heapDumpsEnabled;
    private Path heapDumpDirectory = Path.of("data", "heapdumps");
    private Duration heapDumpMinInterval = Duration.ofHours(1);
    private HeapDumper heapDumper = HeapDumper.hotSpot();
    private @Nullable ScheduledExecutorService executor;
    private Duration healthLogInterval = Duration.ofHours(1);
    private Supplier<? extends Map<String, ?>> healthFields = Map::of;
    private final List<Runnable> criticalHooks = new ArrayList<>();

    MemoryMonitorBuilder() {}

    /** Default {@link MemoryProbe#oldGenAfterGc()}. */
    public MemoryMonitorBuilder probe(MemoryProbe probe) {
        this.probe = Objects.requireNonNull(probe, "probe");
        return this;
    }

    /** For heap dump intervals and the jobs' bookkeeping; default system UTC. */
    public MemoryMonitorBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** How often {@link #start() a started} monitor reads the probe; default 250 ms. */
    public MemoryMonitorBuilder refreshInterval(Duration d) {
        this.refreshInterval = Durations.positive(d, "refreshInterval");
        return this;
    }

    /** Fraction of max from which the state is CRITICAL and pressure begins; default 0.92, at most 1. */
    public MemoryMonitorBuilder shedAbove(double fraction) {
        this.shedAbove = fraction;
        return this;
    }

    /** Fraction of max below which pressure ends; default 0.85, above 0 and below shedAbove. */
    public MemoryMonitorBuilder admitBelow(double fraction) {
        this.admitBelow = fraction;
        return this;
    }

    /** Fraction of max from which the state is WARN; default 0.80, above 0, at most shedAbove. */
    public MemoryMonitorBuilder warnAbove(double fraction) {
        this.warnAbove = fraction;
        return this;
    }

    /** How many post-GC floors the slope is fitted over; default 128, more than leakWindow. */
    public MemoryMonitorBuilder ringSize(int floors) {
        this.ringSize = floors;
        return this;
    }

    /** A leak is suspected when the floor rose across each of the last N collections; default 8, at least 2. */
    public MemoryMonitorBuilder leakWindow(int collections) {
        this.leakWindow = collections;
        return this;
    }

    /** Requests completed so far, for the slope in bytes per request; default constant 0. */
    public MemoryMonitorBuilder requestsCompleted(LongSupplier counter) {
        this.requestsCompleted = Objects.requireNonNull(counter, "requestsCompleted");
        return this;
    }

    /** Write a heap dump on entering CRITICAL; default off. */
    public MemoryMonitorBuilder heapDumpsEnabled(boolean enabled) {
        this.heapDumpsEnabled = enabled;
        return this;
    }

    /** Where heap dumps go; default {@code data/heapdumps}, created when needed. */
    public MemoryMonitorBuilder heapDumpDirectory(Path dir) {
        this.heapDumpDirectory = Objects.requireNonNull(dir, "heapDumpDirectory");
        return this;
    }

    /** Least time between two heap dumps; default 1 h. */
    public MemoryMonitorBuilder heapDumpMinInterval(Duration d) {
        this.heapDumpMinInterval = Durations.notNegative(d, "heapDumpMinInterval");
        return this;
    }

    /** Default {@link HeapDumper#hotSpot()}. */
    MemoryMonitorBuilder heapDumper(HeapDumper dumper) {
        this.heapDumper = Objects.requireNonNull(dumper, "heapDumper");
        return this;
    }

    /** Runs on entering CRITICAL, once per entry (e.g. caches trim themselves); one that throws is logged. */
    public MemoryMonitorBuilder onCritical(Runnable hook) {
        criticalHooks.add(Objects.requireNonNull(hook, "hook"));
        return this;
    }

    /** A scheduler to share; not shut down by close. Default: an own daemon thread {@code sluice-memory-monitor}. */
    public MemoryMonitorBuilder executor(ScheduledExecutorService executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /** How often a started monitor logs {@link MemoryMonitor#healthLine(Map)} at INFO; default 1 h. */
    public MemoryMonitorBuilder healthLogInterval(Duration d) {
        this.healthLogInterval = Durations.positive(d, "healthLogInterval");
        return this;
    }

    /** The caller's fields for the health line (in-flight, shed counts, cache fill); default none. */
    public MemoryMonitorBuilder healthFields(Supplier<? extends Map<String, ?>> fields) {
        this.healthFields = Objects.requireNonNull(fields, "healthFields");
        return this;
    }

    /** A monitor that refreshes only when {@link MemoryMonitor#refresh()} is called. */
    public MemoryMonitor build() {
        return new MemoryMonitor(settings());
    }

    /** A monitor that refreshes every refresh interval and logs its health line every health interval. */
    public MemoryMonitor start() {
        MemoryMonitor monitor = build();
        monitor.start(executor);
        return monitor;
    }

    private Settings settings() {
        List<String> bad = new ArrayList<>();
        if (!(shedAbove > 0 && shedAbove <= 1)) {
            bad.add("shedAbove must be in (0, 1], got " + shedAbove);
        }
        if (!(admitBelow > 0 && admitBelow < shedAbove)) {
            bad.add("admitBelow must be above 0 and below shedAbove " + shedAbove + ", got " + admitBelow);
        }
        if (!(warnAbove > 0 && warnAbove <= shedAbove)) {
            bad.add("warnAbove must be above 0 and at most shedAbove " + shedAbove + ", got " + warnAbove);
        }
        if (leakWindow < 2) {
            bad.add("leakWindow must be at least 2, got " + leakWindow);
        }
        if (ringSize <= leakWindow || ringSize < 3) {
            bad.add("ringSize must be at least 3 and above leakWindow " + leakWindow + ", got " + ringSize);
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("bad memory monitor options: " + String.join("; ", bad));
        }
        return new Settings(
                probe != null ? probe : MemoryProbe.oldGenAfterGc(),
                clock,
                refreshInterval,
                shedAbove,
                admitBelow,
                warnAbove,
                ringSize,
                leakWindow,
                requestsCompleted,
                heapDumpsEnabled
                        ? new HeapDumps(heapDumpDirectory, heapDumpMinInterval, heapDumper, clock)::dumpIfDue
                        : () -> {},
                healthLogInterval,
                healthFields,
                List.copyOf(criticalHooks));
    }

    /** The validated, immutable options a monitor runs with; heap dumps off is a no-op. */
    record Settings(
            MemoryProbe probe,
            Clock clock,
            Duration refreshInterval,
            double shedAbove,
            double admitBelow,
            double warnAbove,
            int ringSize,
            int leakWindow,
            LongSupplier requestsCompleted,
            Runnable heapDumpOnCritical,
            Duration healthLogInterval,
            Supplier<? extends Map<String, ?>> healthFields,
            List<Runnable> criticalHooks) {}
}
