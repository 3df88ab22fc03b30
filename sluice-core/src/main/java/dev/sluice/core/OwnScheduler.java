package dev.sluice.core;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** A single named daemon scheduler thread that drops cancelled tasks at once. */
final class OwnScheduler {

    private OwnScheduler() {}

    static ScheduledExecutorService create(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(
                1, r -> Thread.ofPlatform().daemon().name(threadName).unstarted(r));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }
}
