package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wait queue: FIFO with interactive first, bounded, deadlines, eviction and interrupts. */
class LimiterQueueTest {

    private static final Duration LONG = Duration.ofMinutes(10);

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopWaiters() {
        pool.shutdownNow();
    }

    @Test
    void queuedRequestBeyondMaxWaitIsShedWithTheMeasuredWait() throws Exception {
        Limiter limiter = queued(1, 4);
        Permit held = granted(limiter.tryAcquire());

        Admission admission = limiter.acquire(Priority.INTERACTIVE, Duration.ofMillis(50));

        assertThat(admission).isInstanceOfSatisfying(Admission.Rejected.class, r -> {
            assertThat(r.cause()).isEqualTo(ShedReason.QUEUE_TIMEOUT);
            assertThat(r.reason()).matches("in-flight 1/1, queue wait (\\d+) ms > 50 ms");
            assertThat(Long.parseLong(r.reason().replaceAll(".*queue wait (\\d+) ms.*", "$1")))
                    .isGreaterThanOrEqualTo(50);
        });
        assertThat(limiter.queued()).isZero();
        assertThat(limiter.stats().shed(ShedReason.QUEUE_TIMEOUT)).isEqualTo(1);
        held.close();
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void arrivalAtAFullQueueIsShedAtOnceAndWaitersKeepTheirPlace() throws Exception {
        Limiter limiter = queued(1, 2);
        Permit held = granted(limiter.tryAcquire());
        Future<Admission> first = waitFor(limiter, Priority.INTERACTIVE, 1);
        Future<Admission> second = waitFor(limiter, Priority.INTERACTIVE, 2);

        Admission third = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> limiter.acquire(Priority.BATCH, LONG)); // returns without waiting its 10 minutes

        assertThat(third).isEqualTo(new Admission.Rejected(ShedReason.QUEUE_FULL, "in-flight 1/1, queue 2/2 full"));
        assertThat(limiter.stats().shed(ShedReason.QUEUE_FULL)).isEqualTo(1);
        held.close();
        granted(first.get(30, TimeUnit.SECONDS)).close();
        granted(second.get(30, TimeUnit.SECONDS)).close();
        assertThat(limiter.stats().admitted()).isEqualTo(3);
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void interactiveWaiterIsServedBeforeAnEarlierBatchWaiter() throws Exception {
        Limiter limiter = Limiter.builder("priority")
                .algorithm(LimitAlgorithm.fixed(2))
                .queueCapacity(4)
                .interactiveReserve(0)
                .build();
        Permit a = granted(limiter.tryAcquire());
        Permit b = granted(limiter.tryAcquire());
        Future<Admission> batch = waitFor(limiter, Priority.BATCH, 1);
        Future<Admission> interactive = waitFor(limiter, Priority.INTERACTIVE, 2);

        a.close();

        Permit handedOver = granted(interactive.get(30, TimeUnit.SECONDS));
        assertThat(batch).isNotDone();
        assertThat(limiter.queued()).isEqualTo(1);
        assertThat(limiter.inFlight()).isEqualTo(2);
        b.close();
        granted(batch.get(30, TimeUnit.SECONDS)).close();
        handedOver.close();
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void interactiveArrivalAtAFullQueueEvictsTheNewestBatchWaiter() throws Exception {
        Limiter limiter = queued(1, 2);
        Permit held = granted(limiter.tryAcquire());
        Future<Admission> olderBatch = waitFor(limiter, Priority.BATCH, 1);
        Future<Admission> newerBatch = waitFor(limiter, Priority.BATCH, 2);

        Future<Admission> interactive = pool.submit(() -> limiter.acquire(Priority.INTERACTIVE, LONG));

        assertThat(newerBatch.get(30, TimeUnit.SECONDS)).isInstanceOfSatisfying(Admission.Rejected.class, r -> {
            assertThat(r.cause()).isEqualTo(ShedReason.PRIORITY);
            assertThat(r.reason())
                    .isEqualTo("batch evicted from the queue by interactive: in-flight 1/1, queue 2/2 full");
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> limiter.queued() == 2);
        assertThat(olderBatch).isNotDone();
        held.close();
        Permit next = granted(interactive.get(30, TimeUnit.SECONDS));
        assertThat(olderBatch).isNotDone();
        next.close();
        granted(olderBatch.get(30, TimeUnit.SECONDS)).close();
        assertThat(limiter.stats().shed(ShedReason.PRIORITY)).isEqualTo(1);
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void interruptedWaiterLeavesTheQueueWithoutTakingASlotOrAPermit() throws Exception {
        Limiter limiter = queued(1, 1);
        Permit held = granted(limiter.tryAcquire());
        Future<Admission> waiter = waitFor(limiter, Priority.INTERACTIVE, 1);

        waiter.cancel(true); // interrupts the waiting thread
        await().atMost(Duration.ofSeconds(30)).until(() -> limiter.queued() == 0);

        Future<Admission> next = waitFor(limiter, Priority.INTERACTIVE, 1); // the slot is free again
        held.close();
        granted(next.get(30, TimeUnit.SECONDS)).close();
        LimiterStats stats = limiter.stats();
        assertThat(stats.admitted()).isEqualTo(2);
        assertThat(stats.rejected()).isZero();
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void waiterInterruptedBeforeItQueuesThrowsAndHoldsNothing() {
        Limiter limiter = queued(1, 1);
        Permit held = granted(limiter.tryAcquire());

        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> limiter.acquire(Priority.INTERACTIVE, LONG)).isInstanceOf(InterruptedException.class);

        assertThat(Thread.interrupted()).isFalse();
        assertThat(limiter.queued()).isZero();
        held.close();
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void errorThrownWhileHoldingAPermitHandsItToTheNextWaiter() throws Exception {
        Limiter limiter = queued(1, 1);
        Permit held = granted(limiter.tryAcquire());
        Future<Admission> waiter = waitFor(limiter, Priority.BATCH, 1);

        assertThatThrownBy(() -> {
                    try (held) {
                        throw new OutOfMemoryError("simulated");
                    }
                })
                .isInstanceOf(OutOfMemoryError.class);

        granted(waiter.get(30, TimeUnit.SECONDS)).close();
        assertThat(limiter.stats().failed()).isEqualTo(2);
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void aRequestPredictedToWaitLongerThanItsDeadlineIsShedAtOnceWithoutQueueing() throws Exception {
        AtomicLong clock = new AtomicLong();
        Limiter limiter = Limiter.builder("predicting")
                .algorithm(LimitAlgorithm.fixed(2))
                .queueCapacity(8)
                .ticker(clock::get)
                .build();
        for (int i = 0; i < 3; i++) { // permits are held about 1 s each
            Permit p = granted(limiter.tryAcquire());
            clock.addAndGet(1_000_000_000L);
            p.close();
        }
        Permit a = granted(limiter.tryAcquire());
        Permit b = granted(limiter.tryAcquire());

        Admission shortDeadline = limiter.acquire(Priority.INTERACTIVE, Duration.ofMillis(400));

        assertThat(shortDeadline)
                .isEqualTo(new Admission.Rejected(
                        ShedReason.QUEUE_TIMEOUT,
                        "in-flight 2/2, predicted queue wait 1000 ms, more than half the 400 ms deadline"));
        assertThat(limiter.queued()).isZero();
        Future<Admission> longDeadline =
                pool.submit(() -> limiter.acquire(Priority.INTERACTIVE, Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(30)).until(() -> limiter.queued() == 1);
        a.close();
        granted(longDeadline.get(30, TimeUnit.SECONDS)).close();
        b.close();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void thePredictionFollowsWhenThePermitsInFlightAreDueToEndNotJustTheirRate() throws Exception {
        AtomicLong clock = new AtomicLong();
        Limiter limiter = Limiter.builder("predicting")
                .algorithm(LimitAlgorithm.fixed(2))
                .queueCapacity(8)
                .ticker(clock::get)
                .build();
        Permit trained = granted(limiter.tryAcquire());
        clock.addAndGet(1_000_000_000L); // permits are held about 1 s
        trained.close();
        Permit early = granted(limiter.tryAcquire());
        clock.addAndGet(900_000_000L);
        Permit late = granted(limiter.tryAcquire()); // early ends in ~100 ms, late in ~1 s

        Future<Admission> first = pool.submit(() -> limiter.acquire(Priority.INTERACTIVE, Duration.ofMillis(400)));
        await().atMost(Duration.ofSeconds(30)).until(() -> limiter.queued() == 1);
        Admission second = limiter.acquire(Priority.INTERACTIVE, Duration.ofMillis(400));

        assertThat(second)
                .isEqualTo(new Admission.Rejected(
                        ShedReason.QUEUE_TIMEOUT,
                        "in-flight 2/2, predicted queue wait 1000 ms, more than half the 400 ms deadline"));
        early.close();
        granted(first.get(30, TimeUnit.SECONDS)).close();
        late.close();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void zeroWaitNeverQueues() throws Exception {
        Limiter limiter = queued(1, 4);
        Permit held = granted(limiter.tryAcquire());

        Admission admission = limiter.acquire(Priority.INTERACTIVE, Duration.ZERO);

        assertThat(admission).isEqualTo(new Admission.Rejected(ShedReason.LIMIT, "in-flight 1/1"));
        assertThat(limiter.queued()).isZero();
        held.close();
    }

    private static Limiter queued(int limit, int capacity) {
        return Limiter.builder("queued")
                .algorithm(LimitAlgorithm.fixed(limit))
                .queueCapacity(capacity)
                .build();
    }

    /** Starts a waiter and returns once the queue holds {@code queuedAfter} requests. */
    private Future<Admission> waitFor(Limiter limiter, Priority priority, int queuedAfter) {
        Future<Admission> f = pool.submit(() -> limiter.acquire(priority, LONG));
        await().atMost(Duration.ofSeconds(30)).until(() -> limiter.queued() == queuedAfter);
        return f;
    }

    static Permit granted(Admission admission) {
        assertThat(admission).isInstanceOf(Admission.Granted.class);
        return ((Admission.Granted) admission).permit();
    }
}
