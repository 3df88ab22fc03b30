package dev.sluice.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The application's registry of long-lived resources: executors, schedulers, HTTP clients,
 * servers, pools, caches. Each is registered with a kind and a name and can be listed through
 * {@link #resources()}. {@link #close()} closes them in reverse order of registration; each step
 * runs on its own named daemon thread and is waited for up to the step deadline, then abandoned
 * (interrupted) so one stuck resource cannot hang shutdown. Every step is logged at INFO with its
 * duration; failures and timeouts are collected and thrown together at the end.
 */
public final class Lifecycle implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Lifecycle.class.getName());

    private final String owner;
    private final Duration stepDeadline;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Entry> entries = new ArrayList<>(); // guarded by lock; long-lived resources only

    private Lifecycle(String owner, Duration stepDeadline, Clock clock) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.stepDeadline = Durations.positive(stepDeadline, "stepDeadline");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static Lifecycle create(String owner, Duration stepDeadline) {
        return new Lifecycle(owner, stepDeadline, Clock.systemUTC());
    }

    /** As {@link #create(String, Duration)}, with the clock for {@link ResourceInfo#createdAt()}. */
    public static Lifecycle create(String owner, Duration stepDeadline, Clock clock) {
        return new Lifecycle(owner, stepDeadline, clock);
    }

    /** Registers a resource with no bound or size; returns it. */
    public <T extends AutoCloseable> T register(String kind, String name, T resource) {
        return register(kind, name, resource, Lifecycle::notApplicable, Lifecycle::notApplicable);
    }

    /**
     * Registers a resource whose bound and current size are read on each {@link #resources()} call
     * ({@code -1} = not applicable). After {@link #close()}, closes the resource at once and throws
     * {@link IllegalStateException}.
     */
    public <T extends AutoCloseable> T register(
            String kind, String name, T resource, LongSupplier bound, LongSupplier size) {
        Entry entry = new Entry(
                Objects.requireNonNull(kind, "kind"),
                Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(resource, "resource"),
                Objects.requireNonNull(bound, "bound"),
                Objects.requireNonNull(size, "size"),
                clock.instant());
        lock.lock();
        try {
            if (!closed.get()) {
                entries.add(entry);
                return resource;
            }
        } finally {
            lock.unlock();
        }
        Steps.closeLogged(LOG, resource, kind + " " + name + " registered after close");
        throw new IllegalStateException("lifecycle " + owner + " is closed; closed " + kind + " " + name + " at once");
    }

    /** The registered resources, oldest first, with their current bound and size. */
    public List<ResourceInfo> resources() {
        List<Entry> snapshot = snapshot();
        List<ResourceInfo> infos = new ArrayList<>(snapshot.size());
        for (Entry e : snapshot) {
            infos.add(new ResourceInfo(e.kind, owner, e.name, e.createdAt, read(e.bound), read(e.size)));
        }
        return infos;
    }

    /** Bound and size of a resource registered without them. */
    private static long notApplicable() {
        return -1;
    }

    private static long read(LongSupplier supplier) {
        try {
            return supplier.getAsLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    public String owner() {
        return owner;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes every resource, newest first, each within the step deadline. Runs once; later calls
     * return at once. Throws {@link LifecycleException} after all steps if any failed or timed out.
     */
    @Override
    public void close() {
        List<Entry> toClose;
        lock.lock();
        try {
            if (closed.getAndSet(true)) {
                return;
            }
            toClose = List.copyOf(entries);
            entries.clear();
        } finally {
            lock.unlock();
        }
        List<Throwable> failures = new ArrayList<>();
        boolean interrupted = false;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            Entry e = toClose.get(i);
            long start = System.nanoTime();
            AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
            Thread step = Thread.ofPlatform()
                    .daemon()
                    .name("sluice-close-" + owner + "-" + e.name)
                    .unstarted(() -> thrown.set(Steps.closeQuietly(e.resource)));
            step.start();
            try {
                if (!step.join(stepDeadline)) {
                    step.interrupt();
                    failures.add(new StepTimeoutException("closing " + e + " did not finish within " + stepDeadline));
                    LOG.log(
                            Level.WARNING,
                            "abandoned closing {0} after {1} ms (deadline {2})",
                            e,
                            elapsedMillis(start),
                            stepDeadline);
                    continue;
                }
            } catch (InterruptedException ie) {
                interrupted = true;
                failures.add(new StepTimeoutException("interrupted while closing " + e));
                LOG.log(Level.WARNING, "interrupted while closing {0}; continuing with the next step", e);
                continue;
            }
            Throwable failure = thrown.get();
            if (failure == null) {
                LOG.log(Level.INFO, "closed {0} in {1} ms", e, elapsedMillis(start));
            } else {
                failures.add(failure);
                LOG.log(Level.WARNING, "closing " + e + " failed after " + elapsedMillis(start) + " ms", failure);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!failures.isEmpty()) {
            LifecycleException ex = new LifecycleException(
                    "lifecycle " + owner + ": " + failures.size() + " of " + toClose.size() + " close steps failed");
            failures.forEach(ex::addSuppressed);
            throw ex;
        }
    }

    private List<Entry> snapshot() {
        lock.lock();
        try {
            return List.copyOf(entries);
        } finally {
            lock.unlock();
        }
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private record Entry(
            String kind,
            String name,
            AutoCloseable resource,
            LongSupplier bound,
            LongSupplier size,
            Instant createdAt) {
        @Override
        public String toString() {
            return kind + " " + name;
        }
    }
}
