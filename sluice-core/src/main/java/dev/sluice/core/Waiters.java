package dev.sluice.core;

import dev.sluice.core.WaitQueue.Waiter;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The waiting side of a {@link CountingLimiter}: queueing, eviction, timeouts, interrupts and the
 * hand-off of permits to waiters, all under one lock. Permits are still granted only by the
 * limiter's CAS against the limit, so a hand-off can never push in-flight over it.
 *
 * <p>No lost wake-up: a waiter publishes itself in the queue and then re-checks in-flight under
 * the lock; a release decrements in-flight and then, if it sees anyone queued, dispatches under
 * the lock. Both are volatile, so one of the two always sees the other.
 */
final class Waiters {

    private final CountingLimiter limiter;
    private final WaitQueue queue;
    private final LongSupplier ticker;
    private final ReentrantLock lock = new ReentrantLock();

    Waiters(CountingLimiter limiter, WaitQueue queue, LongSupplier ticker) {
        this.limiter = limiter;
        this.queue = queue;
        this.ticker = ticker;
    }

    WaitQueue queue() {
        return queue;
    }

    /** Waits at most {@code waitNanos} for a permit; the answer is already counted. */
    Admission await(Priority priority, long waitNanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before queueing for " + limiter.name());
        }
        Waiter w = new Waiter(priority, Thread.currentThread(), ticker.getAsLong());
        lock.lock();
        try {
            dispatch(); // waiters already queued go first
            Admission refused = enqueue(w);
            if (refused != null) {
                return refused;
            }
            dispatch(); // in-flight may have dropped before we were visible in the queue
        } finally {
            lock.unlock();
        }
        while (true) {
            Admission result = w.result;
            if (result != null) {
                return result;
            }
            long waited = ticker.getAsLong() - w.enqueuedAtNanos;
            if (waited >= waitNanos) {
                return timeOut(w, waited, waitNanos);
            }
            LockSupport.parkNanos(this, waitNanos - waited);
            if (Thread.interrupted()) {
                abandon(w);
                throw new InterruptedException("interrupted while queued for " + limiter.name());
            }
        }
    }

    /** After a release: hands freed permits to waiters, if there are any. */
    void dispatchIfQueued() {
        if (queue.size() > 0) {
            lock.lock();
            try {
                dispatch();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Under the lock: queues {@code w}, evicting the newest batch waiter for an interactive one. */
    private @Nullable Admission enqueue(Waiter w) {
        if (!queue.isFull()) {
            queue.add(w);
            return null;
        }
        String full = queueFull();
        if (w.priority == Priority.INTERACTIVE) {
            Waiter victim = queue.evictNewestBatch();
            if (victim != null) {
                victim.result =
                        limiter.shed(ShedReason.PRIORITY, "batch evicted from the queue by interactive: " + full);
                LockSupport.unpark(victim.thread);
                queue.add(w);
                return null;
            }
        }
        return limiter.shed(ShedReason.QUEUE_FULL, full);
    }

    /** Under the lock: hands permits to the waiters at the head for as long as the limit allows. */
    private void dispatch() {
        Waiter head;
        while ((head = queue.head()) != null) {
            Admission.Granted granted = limiter.grantIfBelowShare(head.priority);
            if (granted == null) {
                return;
            }
            queue.remove(head);
            head.result = granted;
            LockSupport.unpark(head.thread);
        }
    }

    private Admission timeOut(Waiter w, long waitedNanos, long maxWaitNanos) {
        lock.lock();
        try {
            if (w.result == null) { // else granted or evicted just now: that answer stands
                queue.remove(w);
                w.result = limiter.shed(
                        ShedReason.QUEUE_TIMEOUT,
                        limiter.state() + ", queue wait " + millis(waitedNanos) + " > " + millis(maxWaitNanos));
            }
            return w.result;
        } finally {
            lock.unlock();
        }
    }

    /** An interrupted waiter leaves the queue; a permit handed to it meanwhile is given back. */
    private void abandon(Waiter w) {
        lock.lock();
        try {
            if (w.result == null) {
                queue.remove(w);
                return;
            }
        } finally {
            lock.unlock();
        }
        if (w.result instanceof Admission.Granted(Permit permit)) {
            permit.outcome(Outcome.CANCELLED);
            permit.close();
        }
    }

    String queueFull() {
        return limiter.state() + ", queue " + queue.size() + "/" + queue.capacity() + " full";
    }

    private static String millis(long nanos) {
        return nanos >= 1_000_000 ? nanos / 1_000_000 + " ms" : nanos / 1_000 + " µs";
    }
}
