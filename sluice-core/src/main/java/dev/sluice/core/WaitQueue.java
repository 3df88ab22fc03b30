package dev.sluice.core;

import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * The bounded queue of requests waiting for a permit: interactive waiters in FIFO order ahead of
 * batch waiters in FIFO order, at most {@code capacity} in all. Mutated only under its
 * {@link CountingLimiter}'s lock; the counts are volatile so the limiter's fast path can read them
 * without it.
 */
final class WaitQueue {

    /** One queued request. {@code result} is set once, under the lock, then its thread unparked. */
    static final class Waiter {
        final Priority priority;
        final Thread thread;
        final long enqueuedAtNanos;
        volatile @Nullable Admission result;

        Waiter(Priority priority, Thread thread, long enqueuedAtNanos) {
            this.priority = priority;
            this.thread = thread;
            this.enqueuedAtNanos = enqueuedAtNanos;
        }
    }

    private final int capacity;
    private final ArrayDeque<Waiter> interactive;
    private final ArrayDeque<Waiter> batch;
    private volatile int interactiveCount;
    private volatile int size; // one field, so a lock-free reader never sees a torn total

    WaitQueue(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("queue capacity must not be negative, got " + capacity);
        }
        this.capacity = capacity;
        this.interactive = new ArrayDeque<>(Math.min(capacity, 64));
        this.batch = new ArrayDeque<>(Math.min(capacity, 64));
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return size;
    }

    int interactiveCount() {
        return interactiveCount;
    }

    boolean isFull() {
        return size() >= capacity;
    }

    /** Adds at the tail of its priority; the caller has checked {@link #isFull()}. */
    void add(Waiter w) {
        if (isFull()) {
            throw new IllegalStateException("queue full: " + size() + "/" + capacity);
        }
        if (w.priority == Priority.INTERACTIVE) {
            interactive.addLast(w);
        } else {
            batch.addLast(w);
        }
        recount();
    }

    /** The waiter to serve next: the oldest interactive one, else the oldest batch one; or null. */
    Waiter head() {
        Waiter w = interactive.peekFirst();
        return w != null ? w : batch.peekFirst();
    }

    /** Removes the newest batch waiter, or returns null if there is none. */
    Waiter evictNewestBatch() {
        Waiter w = batch.pollLast();
        recount();
        return w;
    }

    /** Removes {@code w} if it is still queued. */
    boolean remove(Waiter w) {
        boolean removed = (w.priority == Priority.INTERACTIVE ? interactive : batch).remove(w);
        recount();
        return removed;
    }

    private void recount() {
        interactiveCount = interactive.size();
        size = interactive.size() + batch.size();
    }
}
