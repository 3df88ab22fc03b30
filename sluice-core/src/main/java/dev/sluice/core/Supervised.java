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
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A scheduled background job whose failures are isolated. Each run is scheduled one-shot after the
 * previous one ends, so runs never overlap and the scheduler never fills up. A run that throws
 * anything is logged at WARNING, counted, and retried after a {@link Backoff} delay; after a
 * success the job returns to its normal period ({@code RestartPolicy}). The scheduler thread is
 * never killed.
 *
 * <p>{@link #close()} stops future runs and waits, up to the close timeout, for a running one; a
 * scheduler it created itself (one daemon thread named {@code sluice-<name>}) is shut down
 * ({@code JobThread}).
 */
public final class Supervised implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Supervised.class.getName());

    private final String name;
    private final Runnable job;
    private final RestartPolicy restarts;
    private final JobThread thread;

    private final ReentrantLock lock = new ReentrantLock(); // orders scheduling against close
    private @Nullable ScheduledFuture<?> next; // guarded by lock
    private volatile boolean closed; // written under lock
    private volatile Duration nextDelay;

    private Supervised(Builder b, ScheduledExecutorService executor, boolean ownsExecutor) {
        this.name = b.name;
        this.job = b.job;
        this.restarts = new RestartPolicy(
                b.name,
                b.period,
                b.backoff != null ? b.backoff : defaultBackoff(b.period),
                b.random != null ? b.random : RandomGenerator.getDefault(),
                b.clock);
        this.thread = new JobThread(b.name, executor, ownsExecutor, b.closeTimeout);
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
        Duration delay = thread.runAlone(() -> closed, this::attempt);
        if (delay != null) {
            schedule(delay);
        }
    }

    private @Nullable Duration attempt() {
        try {
            job.run();
            return restarts.succeeded();
        } catch (Throwable t) {
            if (closed) {
                LOG.log(Level.DEBUG, "job " + name + " ended by close: " + t);
                return null;
            }
            return restarts.failed(t);
        }
    }

    private void schedule(Duration delay) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            nextDelay = delay;
            next = thread.schedule(this::runOnce, delay);
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
        thread.stop();
    }

    public String name() {
        return name;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Completed runs, successful or not. */
    public long runs() {
        return restarts.runs();
    }

    public long failures() {
        return restarts.failures();
    }

    public int consecutiveFailures() {
        return restarts.consecutiveFailures();
    }

    public Optional<Instant> lastSuccess() {
        return restarts.lastSuccess();
    }

    /** The last failure ({@code "class: message"}), kept after later successes. */
    public Optional<String> lastError() {
        return restarts.lastError();
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
