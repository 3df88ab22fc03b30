package dev.sluice.core;

import static dev.sluice.core.LimiterQueueTest.granted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Limiter#shedNow}: says, before a caller does work it would waste, whether {@code acquire} would shed the
 * request at once; takes no permit, joins no queue, and counts the sheds it announces.
 */
class LimiterShedNowTest {

    private static final Duration LONG = Duration.ofMinutes(10);

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopWaiters() {
        pool.shutdownNow();
    }

    @Test
    void aFreePermitOrRoomInTheQueueIsNoShedAndTakesNothing() {
        Limiter limiter = queued(1, 2);
        assertThat(limiter.shedNow(Priority.INTERACTIVE, LONG)).isEmpty();
        Permit held = granted(limiter.tryAcquire());
        assertThat(limiter.shedNow(Priority.INTERACTIVE, LONG))
                .as("it would queue")
                .isEmpty();
        assertThat(limiter.inFlight()).isEqualTo(1);
        assertThat(limiter.queued()).isZero();
        assertThat(limiter.stats().shed(ShedReason.LIMIT) + limiter.stats().shed(ShedReason.QUEUE_FULL))
                .isZero();
        held.close();
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void withoutAQueueOrAWaitAFullLimiterShedsAndCountsIt() {
        Limiter noQueue = queued(1, 0);
        Permit held = granted(noQueue.tryAcquire());
        assertThat(noQueue.shedNow(Priority.INTERACTIVE, LONG))
                .contains(new Admission.Rejected(ShedReason.LIMIT, "in-flight 1/1"));
        assertThat(noQueue.stats().shed(ShedReason.LIMIT)).isEqualTo(1);
        held.close();

        Limiter queued = queued(1, 4);
        Permit other = granted(queued.tryAcquire());
        assertThat(queued.shedNow(Priority.INTERACTIVE, Duration.ZERO))
                .map(Admission.Rejected::cause)
                .contains(ShedReason.LIMIT);
        other.close();
        assertThat(noQueue.leaks()).isEmpty();
        assertThat(queued.leaks()).isEmpty();
    }

    @Test
    void aFullQueueShedsBatchAlwaysAndInteractiveOnlyWhenNoBatchWaiterCanBeEvicted() throws Exception {
        Limiter limiter = queued(1, 1);
        Permit held = granted(limiter.tryAcquire());
        Future<Admission> batch = waitFor(limiter, Priority.BATCH);

        assertThat(limiter.shedNow(Priority.BATCH, LONG))
                .contains(new Admission.Rejected(ShedReason.QUEUE_FULL, "in-flight 1/1, queue 1/1 full"));
        assertThat(limiter.shedNow(Priority.INTERACTIVE, LONG))
                .as("an interactive request would evict the batch waiter")
                .isEmpty();
        assertThat(limiter.queued()).isEqualTo(1);

        batch.cancel(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> limiter.queued() == 0);
        Future<Admission> interactive = waitFor(limiter, Priority.INTERACTIVE);
        assertThat(limiter.shedNow(Priority.INTERACTIVE, LONG))
                .map(Admission.Rejected::cause)
                .contains(ShedReason.QUEUE_FULL);
        assertThat(limiter.stats().shed(ShedReason.QUEUE_FULL)).isEqualTo(2);

        held.close();
        assertThat(granted(interactive.get())).satisfies(Permit::close);
        await().atMost(Duration.ofSeconds(30)).until(() -> limiter.leaks().isEmpty());
    }

    @Test
    void aClosedGateShedsEveryRequest() {
        Limiter limiter = Limiter.builder("gated")
                .algorithm(LimitAlgorithm.fixed(4))
                .gate(() -> Optional.of("shutting down"))
                .build();
        assertThat(limiter.shedNow(Priority.INTERACTIVE, LONG))
                .contains(new Admission.Rejected(ShedReason.GATE, "shutting down"));
        assertThat(limiter.stats().shed(ShedReason.GATE)).isEqualTo(1);
        assertThat(limiter.inFlight()).isZero();
    }

    private static Limiter queued(int limit, int capacity) {
        return Limiter.builder("queued")
                .algorithm(LimitAlgorithm.fixed(limit))
                .queueCapacity(capacity)
                .build();
    }

    private Future<Admission> waitFor(Limiter limiter, Priority priority) {
        int before = limiter.queued();
        Future<Admission> f = pool.submit(() -> limiter.acquire(priority, LONG));
        await().atMost(Duration.ofSeconds(30)).until(() -> limiter.queued() == before + 1);
        return f;
    }
}
