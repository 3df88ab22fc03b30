package dev.sluice.core;

import dev.sluice.core.MemoryReport.State;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Memory pressure from the old generation's usage right after garbage collection, never from raw
 * "heap used" (which counts garbage: a proxy that shed "at 87% heap with 0 active requests").
 *
 * <p>Each {@link #refresh()} reads the {@link MemoryProbe}; a sample from a collection not seen
 * before appends its floor to a bounded ring, over which the slope and the leak suspicion are
 * fitted. The state is CRITICAL from {@code shedAbove} of max, WARN from {@code warnAbove}, else
 * OK. Pressure, which sheds requests through {@link #shedReason()}, begins at {@code shedAbove}
 * and ends only below {@code admitBelow}. Entering CRITICAL logs at ERROR, runs each
 * {@code onCritical} hook once and, if enabled and due, writes one heap dump.
 *
 * <p>{@link MemoryMonitorBuilder#start()} refreshes on a {@link Supervised} job named
 * {@code memory-monitor} and logs {@link #healthLine(Map)} on another, {@code memory-health};
 * {@link MemoryMonitorBuilder#build()} leaves calling {@link #refresh()} to the caller.
 */
public final class MemoryMonitor implements AutoCloseable {

    private static final Logger LOG = System.getLogger(MemoryMonitor.class.getName());

    private final MemoryMonitorBuilder.Settings config;

    private final ReentrantLock lock = new ReentrantLock(); // orders refreshes
    private final MemoryFloors floors; // guarded by lock
    private long lastGcCount = -1; // guarded by lock
    private State state = State.OK; // guarded by lock
    private boolean pressure; // guarded by lock
    private boolean leakSuspected; // guarded by lock

    private volatile @Nullable String shedReason; // null while admitting; read on every request
    private volatile MemoryReport report = MemoryReport.none();

    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile List<Supervised> jobs = List.of();
    private volatile @Nullable ScheduledExecutorService ownExecutor;

    MemoryMonitor(MemoryMonitorBuilder.Settings config) {
        this.config = config;
        this.floors = new MemoryFloors(config.ringSize());
    }

    public static MemoryMonitorBuilder builder() {
        return new MemoryMonitorBuilder();
    }

    /** Schedules refresh and health logging; called once by the builder. */
    void start(@Nullable ScheduledExecutorService sharedExecutor) {
        ScheduledExecutorService executor = sharedExecutor;
        if (executor == null) {
            executor = OwnScheduler.create("sluice-memory-monitor");
            ownExecutor = executor;
        }
        Supervised refreshJob = Supervised.builder("memory-monitor", config.refreshInterval(), this::refresh)
                .executor(executor)
                .clock(config.clock())
                .initialDelay(Duration.ZERO)
                .start();
        Supervised healthJob = Supervised.builder("memory-health", config.healthLogInterval(), this::logHealth)
                .executor(executor)
                .clock(config.clock())
                .start();
        jobs = List.of(refreshJob, healthJob);
    }

    /** Reads the probe once and updates the report, the state and the pressure. */
    public void refresh() {
        Optional<MemorySample> read = config.probe().afterLastGc();
        if (read.isEmpty()) {
            return;
        }
        MemorySample s = read.get();
        double f = s.fraction();
        State was;
        State now;
        boolean wasPressure;
        boolean nowPressure;
        boolean leakBegan;
        MemoryReport r;
        lock.lock();
        try {
            if (s.gcCount() != lastGcCount) {
                lastGcCount = s.gcCount();
                floors.add(s.at(), s.usedBytes(), config.requestsCompleted().getAsLong());
            }
            was = state;
            wasPressure = pressure;
            state = now = f >= config.shedAbove() ? State.CRITICAL : f >= config.warnAbove() ? State.WARN : State.OK;
            pressure = nowPressure = pressure ? f >= config.admitBelow() : f >= config.shedAbove();
            double perMinute = floors.slopePerMinute();
            boolean leak = perMinute > 0 && floors.risingAcrossLast(config.leakWindow());
            leakBegan = leak && !leakSuspected;
            leakSuspected = leak;
            report = r = new MemoryReport(
                    now,
                    s.usedBytes(),
                    s.maxBytes(),
                    f,
                    perMinute,
                    floors.slopePerRequest(),
                    leak,
                    floors.size(),
                    s.gcCount(),
                    s.at());
            shedReason = nowPressure ? reason(f) : null;
        } finally {
            lock.unlock();
        }
        announce(was, now, wasPressure && !nowPressure, leakBegan ? r : null, s);
    }

    private String reason(double f) {
        String pct = MemoryHealthLine.percent(f);
        return f >= config.shedAbove()
                ? "old gen after GC " + pct + " > " + MemoryHealthLine.percent(config.shedAbove())
                : "old gen after GC " + pct + ", not yet below " + MemoryHealthLine.percent(config.admitBelow());
    }

    private void announce(State was, State now, boolean pressureEnded, @Nullable MemoryReport newLeak, MemorySample s) {
        String floor = "old gen after GC " + MemoryHealthLine.percent(s.fraction()) + " ("
                + MemoryHealthLine.mib(s.usedBytes()) + " of " + MemoryHealthLine.mib(s.maxBytes()) + ")";
        if (now != was) {
            switch (now) {
                case CRITICAL -> {
                    LOG.log(
                            Level.ERROR,
                            "memory CRITICAL: " + floor + " >= " + MemoryHealthLine.percent(config.shedAbove())
                                    + "; shedding until below " + MemoryHealthLine.percent(config.admitBelow()));
                    runCriticalHooks();
                    config.heapDumpOnCritical().run();
                }
                case WARN ->
                    LOG.log(
                            Level.WARNING,
                            "memory WARN: " + floor + " >= " + MemoryHealthLine.percent(config.warnAbove()));
                case OK -> LOG.log(Level.INFO, "memory OK: " + floor);
            }
        }
        if (pressureEnded) {
            LOG.log(
                    Level.INFO,
                    "memory pressure over: " + floor + " < " + MemoryHealthLine.percent(config.admitBelow())
                            + "; admitting again");
        }
        if (newLeak != null) {
            LOG.log(
                    Level.WARNING,
                    "memory leak suspected: the old gen floor rose across each of the last " + config.leakWindow()
                            + " collections, slope " + Math.round(newLeak.slopeBytesPerMinute()) + " B/min");
        }
    }

    private void runCriticalHooks() {
        for (Runnable hook : config.criticalHooks()) {
            try {
                hook.run();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "memory critical hook " + hook + " failed; running the others", t);
            }
        }
    }

    /** Present while under pressure, e.g. {@code "old gen after GC 93% > 92%"}; a volatile read. */
    public Optional<String> shedReason() {
        return Optional.ofNullable(shedReason);
    }

    public boolean underPressure() {
        return shedReason != null;
    }

    /** The latest report; {@link MemoryReport#samples()} is 0 before the first post-GC sample. */
    public MemoryReport report() {
        return report;
    }

    /**
     * The hourly health line: heap floor and max, floor slope, process CPU load, live threads, then
     * {@code extra} as {@code key=value} in the map's order (in-flight, shed counts, cache fill).
     */
    public String healthLine(Map<String, ?> extra) {
        return MemoryHealthLine.format(
                report,
                MemoryHealthLine.processCpuLoad(),
                MemoryHealthLine.liveThreads(),
                Objects.requireNonNull(extra, "extra"));
    }

    private void logHealth() {
        LOG.log(Level.INFO, healthLine(config.healthFields().get()));
    }

    /** Stops the scheduled jobs, and the scheduler if it created one. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        jobs.forEach(Supervised::close);
        ScheduledExecutorService own = ownExecutor;
        if (own != null) {
            own.shutdown();
            try {
                if (!own.awaitTermination(10, TimeUnit.SECONDS)) {
                    own.shutdownNow();
                }
            } catch (InterruptedException e) {
                own.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isClosed() {
        return closed.get();
    }
}
