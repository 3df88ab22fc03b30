package dev.sluice.gateway.route;

import dev.sluice.gateway.route.health.ProbeScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A probe scheduler that records each delay and runs tasks only when the test says so. */
final class ManualScheduler implements ProbeScheduler {

    final List<Duration> delays = new ArrayList<>();
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    boolean closed;

    @Override
    public synchronized boolean schedule(Runnable task, Duration delay) {
        if (closed) {
            return false;
        }
        delays.add(delay);
        tasks.add(task);
        return true;
    }

    synchronized int pending() {
        return tasks.size();
    }

    /** Runs the oldest pending task on the calling thread. */
    void runNext() {
        Runnable task;
        synchronized (this) {
            task = tasks.removeFirst();
        }
        task.run();
    }

    @Override
    public synchronized void close() {
        closed = true;
        tasks.clear();
    }
}
