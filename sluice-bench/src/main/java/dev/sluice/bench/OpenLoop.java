package dev.sluice.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An open-loop load generator: phases of constant arrival rate, back to back. Request {@code i} of a
 * phase is due at the phase's start plus {@code i / rate}; it runs on its own virtual thread, parked
 * until then, whatever the requests before it are doing; its latency counts from that intended time
 * (no coordinated omission). At most {@code maxOutstanding} requests are open at once; a request
 * due beyond that is counted as a client overflow, not queued.
 */
final class OpenLoop {
    /** A request's thread is started this long before the request is due, then parks until it is. */
    static final Duration LEAD = Duration.ofMillis(20);

    private final Supplier<CallResult> target;
    private final int maxOutstanding;
    private final Semaphore outstanding;
    private final ThreadFactory threads =
            Thread.ofVirtual().name("sluice-bench-request-", 0).factory();

    /**
     * @param target         sends one request and reports how it ended; called on the request's thread, must not throw
     * @param maxOutstanding requests that may be open at once
     */
    OpenLoop(Supplier<CallResult> target, int maxOutstanding) {
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("maxOutstanding must be at least 1, was " + maxOutstanding);
        }
        this.target = target;
        this.maxOutstanding = maxOutstanding;
        this.outstanding = new Semaphore(maxOutstanding);
    }

    /** The recorders of {@code phases} run back to back from {@code startNanos}, each at loadFactor x capacity. */
    static List<PhaseRecorder> plan(List<Phase> phases, double capacityPerSecond, long startNanos) {
        List<PhaseRecorder> recorders = new ArrayList<>(phases.size());
        long start = startNanos;
        for (Phase p : phases) {
            recorders.add(new PhaseRecorder(p, Schedule.of(start, p.offeredPerSecond(capacityPerSecond), p.length())));
            start += p.length().toNanos();
        }
        return recorders;
    }

    /**
     * Sends every request of {@code recorders} at its intended time, calling {@code onPhase} as each
     * phase starts, and returns when the last phase's time is over (its requests may still be open:
     * see {@link #awaitIdle}).
     */
    void run(List<PhaseRecorder> recorders, Consumer<PhaseRecorder> onPhase) {
        for (PhaseRecorder rec : recorders) {
            Park.until(rec.schedule.startNanos());
            onPhase.accept(rec);
            for (int i = 0; i < rec.schedule.count(); i++) {
                long due = rec.schedule.intendedNanos(i);
                Park.until(due - LEAD.toNanos());
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                start(rec, due);
            }
        }
        PhaseRecorder last = recorders.get(recorders.size() - 1);
        Park.until(last.schedule.startNanos() + last.phase.length().toNanos());
    }

    private void start(PhaseRecorder rec, long due) {
        if (!outstanding.tryAcquire()) {
            rec.overflow();
            return;
        }
        try {
            threads.newThread(() -> {
                        try {
                            Park.until(due);
                            long sent = System.nanoTime();
                            rec.record(due, sent, target.get());
                        } finally {
                            outstanding.release();
                        }
                    })
                    .start();
        } catch (RuntimeException | Error e) {
            outstanding.release();
            throw e;
        }
    }

    /** Requests open right now. */
    int open() {
        return maxOutstanding - outstanding.availablePermits();
    }

    /** Waits until no request is open, at most {@code timeout}; whether none is. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        if (!outstanding.tryAcquire(maxOutstanding, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        outstanding.release(maxOutstanding);
        return true;
    }
}
