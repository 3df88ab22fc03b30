package dev.sluice.gateway.route.health;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Runs probe tasks later; tests replace it to see the delays and run tasks by hand. */
public interface ProbeScheduler extends AutoCloseable {

    /** Schedules {@code task} after {@code delay}; false if the scheduler is shut down. */
    boolean schedule(Runnable task, Duration delay);

    /** Stops: pending tasks are dropped, a running probe is interrupted, and waits for its thread. */
    @Override
    void close();

    /** One daemon thread named {@code threadName}, created on first use. */
    static ProbeScheduler singleThread(String threadName, Duration closeDeadline) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(
                1, r -> Thread.ofPlatform().daemon().name(threadName).unstarted(r));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return new ProbeScheduler() {
            @Override
            public boolean schedule(Runnable task, Duration delay) {
                try {
                    // the caller's task reports its own outcome; the executor's shutdown ends what is pending
                    Future<?> unused = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                    return true;
                } catch (RejectedExecutionException e) {
                    return false;
                }
            }

            @Override
            public void close() {
                executor.shutdownNow();
                try {
                    if (!executor.awaitTermination(closeDeadline.toNanos(), TimeUnit.NANOSECONDS)) {
                        System.getLogger(ProbeScheduler.class.getName())
                                .log(
                                        System.Logger.Level.WARNING,
                                        "probe thread " + threadName + " still running " + closeDeadline.toMillis()
                                                + " ms after close (a probe ignores interrupts); abandoned");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
