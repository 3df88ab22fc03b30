package dev.sluice.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A scheduled background job whose failures are isolated. Each run is scheduled one-shot after the
 * previous one ends, so runs never overlap and the scheduler never fills up. A run that throws
 * anything is logged at WARNING, counted, and retried after a {@link Backoff} delay; after a
 * success the job returns to its normal period. The scheduler thread is never killed.
 *
 * <p>{@link #close()} stops future runs and waits, up to the close timeout, for a running one; a
 * scheduler it created itself (one daemon thread named {@code sluice-<name>}) is shut down.
 */
public final class Supervised implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Supervised.class.getName());

    private final String name;
    private final Runnable job;
    private final Duration period;
    private final Backoff backoff;
    private final RandomGenerator random; // used only by the (single) running job
    private final Clock clock;
    private final Duration closeTimeout;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;

    private final ReentrantLock lock = new ReentrantLock(); // orders scheduling against close
    private final Semaphore running = new Semaphore(1); // held by a run, and by close() for good
    private @Nullable ScheduledFuture<?> next; // guarded by lock
    private volatile boolean closed; // written under lock
    private volatile @Nullable Thread runner;

    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile @Nullable Instant lastSuccess;
    private volatile @Nullable String lastError;
    private volatile Duration nextDelay;

    private Supervised(Builder b, ScheduledExecutorService executor, boolean ownsExecutor) {
        this.name = b.name;
        this.job = b.job;
        this.period = b.period;
        this.backoff = b.backoff != null ? b.backoff : defaultBackoff(b.period);
        this.random = b.random != null ? b.random : RandomGenerator.getDefault();
        this.clock = b.clock;
        this.closeTimeout = b.closeTimeout;
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
        this.nextDelay = b.initialDelay != null ? b.initialDelay : b.period; // what start() schedules first
    }

    /** Runs {@code job} every {@code period} (first after one period) on its own daemon thread. */
    public static Supervised start(String name, Duration period, Runnable job) {
        return builder(name, period, job).start();
    }

    public static Builder builder(String name, Duration period, Runnable job) {
        return new Builder(name, period, job);
    }

    /** Retries failures quickly at first, never slower than the normal period or one minute. */
    static Backoff defaultBackoff(Duration period) {
        Duration base = period.compareTo(Duration.ofSeconds(1)) < 0 ? period : Duration.ofSeconds(1);
        Duration cap = period.compareTo(Duration.ofMinutes(1)) > 0 ? period : Duration.ofMinutes(1);
        return new Backoff(base, cap);
    }

    private void runOnce() {
        if (!running.tryAcquire()) {
            return; // close() holds the permit: we are stopping
        }
        Duration delay = null;
        try {
            if (!closed) {
                runner = Thread.currentThread();
                delay = attempt();
            }
        } finally {
            runner = null;
            running.release();
        }
        if (delay != null) {
            schedule(delay);
        }
    }

    private @Nullable Duration attempt() {
        try {
            job.run();
            runs.incrementAndGet();
            consecutiveFailures.set(0);
            lastSuccess = clock.instant();
            return period;
        } catch (Throwable t) {
            if (closed) {
                LOG.log(Level.DEBUG, "job " + name + " ended by close: " + t);
                return null;
            }
            runs.incrementAndGet();
            failures.incrementAndGet();
            int n = consecutiveFailures.incrementAndGet();
            lastError = t.getClass().getName() + ": " + t.getMessage();
            Duration delay = backoff.delay(n, random);
            LOG.log(
                    Level.WARNING,
                    "job " + name + " failed (" + n + " in a row, " + failures.get() + " in all); retrying in "
                            + delay.toMillis() + " ms",
                    t);
            return delay;
        }
    }

    private void schedule(Duration delay) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            nextDelay = delay;
            next = executor.schedule(this::runOnce, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "scheduler of job " + name + " refused the next run; the job stops", e);
        } finally {
            lock.unlock();
        }
    }

    /** Stops future runs and waits up to the close timeout for a running one. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        } finally {
            lock.unlock();
        }
        boolean calledFromJob = runner == Thread.currentThread();
        boolean idle = calledFromJob || awaitRunning();
        if (!ownsExecutor) {
            return;
        }
        if (calledFromJob) {
            executor.shutdown(); // the thread ends when this run returns
        } else if (idle) {
            executor.shutdown();
            awaitTermination();
        } else {
            executor.shutdownNow(); // interrupt the overrunning job
        }
    }

    private boolean awaitRunning() {
        try {
            if (running.tryAcquire(closeTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
            LOG.log(
                    Level.WARNING,
                    "job " + name + " still running " + closeTimeout.toMillis() + " ms after close; abandoned");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void awaitTermination() {
        try {
            if (!executor.awaitTermination(closeTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    public String name() {
        return name;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Completed runs, successful or not. */
    public long runs() {
        return runs.get();
    }

    public long failures() {
        return failures.get();
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    /** The last failure ({@code "class: message"}), kept after later successes. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** The delay used to schedule the pending (or currently running) run. */
    public Duration nextDelay() {
        return nextDelay;
    }

    /** Options for {@link Supervised}; {@link #start()} schedules the first run. */
    public static final class Builder {
        private final String name;
        private final Runnable job;
        private final Duration period;
        private @Nullable ScheduledExecutorService executor;
        private @Nullable Duration initialDelay;
        private @Nullable Backoff backoff;
        private @Nullable RandomGenerator random;
        private Clock clock = Clock.systemUTC();
        private Duration closeTimeout = Duration.ofSeconds(10);

        private Builder(String name, Duration period, Runnable job) {
            this.name = Objects.requireNonNull(name, "name");
            this.period = Durations.positive(period, "period");
            this.job = Objects.requireNonNull(job, "job");
        }

        /** A scheduler to share; not shut down by close. Default: an own daemon thread. */
        public Builder executor(ScheduledExecutorService executor) {
            this.executor = Objects.requireNonNull(executor);
            return this;
        }

        /** Delay before the first run; default: one period. */
        public Builder initialDelay(Duration d) {
            this.initialDelay = Durations.notNegative(d, "initialDelay");
            return this;
        }

        /** Default: base min(period, 1 s), cap max(period, 1 min). */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff);
            return this;
        }

        /** Source of backoff jitter; only the running job uses it. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** Clock for {@link Supervised#lastSuccess()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** How long close() waits for a running job (and an own scheduler); default 10 s. */
        public Builder closeTimeout(Duration d) {
            this.closeTimeout = Durations.notNegative(d, "closeTimeout");
            return this;
        }

        public Supervised start() {
            ScheduledExecutorService shared = executor;
            boolean own = shared == null;
            ScheduledExecutorService exec = shared != null ? shared : OwnScheduler.create("sluice-" + name);
            Supervised s = new Supervised(this, exec, own);
            s.schedule(initialDelay != null ? initialDelay : period);
            return s;
        }
    }
}
