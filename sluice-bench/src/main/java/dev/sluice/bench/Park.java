package dev.sluice.bench;

import java.util.concurrent.locks.LockSupport;

/** Parks the calling thread until a point on the {@link System#nanoTime()} scale. */
final class Park {
    /** Bound on wake-ups (spurious or not) per call, so no caller can spin without end. */
    static final int MAX_PARKS = 100_000;

    private Park() {}

    /** Returns at {@code deadlineNanos} or soon after; at once if it has passed or the thread is interrupted. */
    static void until(long deadlineNanos) {
        for (int i = 0; i < MAX_PARKS; i++) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                return;
            }
            LockSupport.parkNanos(left);
        }
    }
}
