package dev.sluice.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The thread side of a {@link Supervised} job: the scheduler its runs go to, the permit that keeps
 * runs from overlapping with each other and with close, and stopping, which waits up to the close
 * timeout for a running job and shuts down a scheduler the job owns.
 */
final class JobThread {

    // Supervised's logger, so its log configuration still covers these lines
    private static final Logger LOG = System.getLogger(Supervised.class.getName());

    private final String name;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;
    private final Duration closeTimeout;
    private final Semaphore running = new Semaphore(1); // held by a run, and by stop() for good
    private volatile @Nullable Thread runner;

    JobThread(String name, ScheduledExecutorService executor, boolean ownsExecutor, Duration closeTimeout) {
        this.name = name;
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
        this.closeTimeout = closeTimeout;
    }

    ScheduledFuture<?> schedule(Runnable run, Duration delay) {
        return executor.schedule(run, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code attempt} on this thread holding the permit, unless stopping or {@code closed};
     * returns its answer, or null if it did not run.
     */
    @Nullable
    Duration runAlone(BooleanSupplier closed, Supplier<@Nullable Duration> attempt) {
        if (!running.tryAcquire()) {
            return null; // stop() holds the permit: we are stopping
        }
        try {
            if (!closed.getAsBoolean()) {
                runner = Thread.currentThread();
                return attempt.get();
            }
            return null;
        } finally {
            runner = null;
            running.release();
        }
    }

    /** Waits up to the close timeout for a running job (unless called from it); shuts down an own scheduler. */
    void stop() {
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
}
