package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Queueing, priorities, timeouts and interrupts under real contention: the counters stay exact. */
class LimiterContentionTest {

    private static final int LIMIT = 8;
    private static final int QUEUE = 16;
    private static final int THREADS = 64;
    private static final int OPS = 100_000;

    @Test
    void queuedMixedPriorityTrafficNeverExceedsTheLimitAndDrainsToZero() throws Exception {
        Limiter limiter = Limiter.builder("contended-queue")
                .algorithm(LimitAlgorithm.fixed(LIMIT))
                .queueCapacity(QUEUE)
                .interactiveReserve(0.25)
                .build();
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicLong maxSampled = new AtomicLong();
        AtomicLong maxQueued = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Outcome[] outcomes = Outcome.values();

        runWithSampler(limiter, maxSampled, maxQueued, () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < OPS; i++) {
                Priority priority = random.nextBoolean() ? Priority.INTERACTIVE : Priority.BATCH;
                Admission admission = limiter.acquire(priority, Duration.ofMillis(1 + random.nextInt(3)));
                if (admission instanceof Admission.Granted(Permit permit)) {
                    try (permit) {
                        maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        if ((i & 7) == 0) {
                            Thread.yield(); // holders get descheduled at the limit: widens the race
                        }
                        holders.decrementAndGet();
                        permit.outcome(outcomes[i % outcomes.length]);
                        if (i % 1_000 == 999) {
                            throw new AssertionError("planted error while holding a permit");
                        }
                    } catch (AssertionError expected) {
                        errors.incrementAndGet();
                    }
                }
            }
            return null;
        });

        LimiterStats stats = limiter.stats();
        assertThat(maxSampled.get()).isBetween(1L, (long) LIMIT);
        assertThat(maxHolders.get()).isBetween(1, LIMIT);
        assertThat(maxQueued.get()).isBetween(1L, (long) QUEUE);
        assertThat(errors.get()).isPositive();
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.queued()).isZero();
        assertThat(stats.queued()).isZero();
        assertThat(stats.admitted() + stats.rejected()).isEqualTo((long) THREADS * OPS);
        assertThat(stats.admitted()).isEqualTo(stats.released() + stats.inFlight());
        assertThat(stats.shed().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(stats.rejected());
        assertThat(stats.shed(ShedReason.QUEUE_FULL)).isPositive();
        assertThat(stats.shed(ShedReason.GATE)).isZero();
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void interruptedWaitersUnderContentionLeakNeitherPermitsNorQueueSlots() throws Exception {
        Limiter limiter = Limiter.builder("contended-interrupts")
                .algorithm(LimitAlgorithm.fixed(2))
                .queueCapacity(4)
                .build();
        AtomicLong maxSampled = new AtomicLong();
        AtomicLong maxQueued = new AtomicLong();
        AtomicLong interrupted = new AtomicLong();
        AtomicLong attempts = new AtomicLong();
        AtomicLong granted = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();

        Thread interrupter = Thread.ofPlatform().name("limiter-interrupter").unstarted(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (!stop.get()) {
                synchronized (workers) {
                    if (!workers.isEmpty()) {
                        workers.get(random.nextInt(workers.size())).interrupt();
                    }
                }
                Thread.onSpinWait();
            }
        });
        interrupter.start();
        try {
            runWithSampler(limiter, maxSampled, maxQueued, () -> {
                synchronized (workers) {
                    workers.add(Thread.currentThread());
                }
                // on a loaded machine the interrupter may not get a core before OPS / 10 rounds are over: go on
                // (at most OPS * 2 rounds) until at least one wait was interrupted, so the test tests something
                for (int i = 0; i < OPS / 10 || (interrupted.get() == 0 && i < OPS * 2); i++) {
                    attempts.incrementAndGet();
                    try {
                        if (limiter.acquire(Priority.INTERACTIVE, Duration.ofSeconds(5))
                                instanceof Admission.Granted(Permit permit)) {
                            granted.incrementAndGet();
                            try (permit) {
                                permit.outcome(Outcome.SUCCESS);
                            }
                        }
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    }
                }
                synchronized (workers) {
                    workers.remove(Thread.currentThread());
                }
                Thread.interrupted(); // the pool thread is reused: leave it clean
                return null;
            });
        } finally {
            stop.set(true);
            interrupter.join();
        }

        LimiterStats stats = limiter.stats();
        assertThat(interrupted.get()).isPositive();
        assertThat(maxSampled.get()).isBetween(1L, 2L);
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.queued()).isZero();
        assertThat(stats.admitted()).isEqualTo(stats.released());
        assertThat(granted.get() + stats.rejected() + interrupted.get()).isEqualTo(attempts.get());
        assertThat(stats.admitted() - granted.get()).isBetween(0L, interrupted.get()); // handed over, then given back
        assertThat(stats.admitted() - granted.get()).isEqualTo(stats.cancelled());
        assertThat(limiter.leaks()).isEmpty();
    }

    interface Body {
        Void run() throws Exception;
    }

    /** Runs {@code body} on {@link #THREADS} threads released together, sampling in-flight and queued. */
    private static void runWithSampler(Limiter limiter, AtomicLong maxSampled, AtomicLong maxQueued, Body body)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = Thread.ofPlatform().name("limiter-sampler").start(() -> {
            while (!done.get()) {
                maxSampled.accumulateAndGet(limiter.inFlight(), Math::max);
                maxQueued.accumulateAndGet(limiter.queued(), Math::max);
            }
        });
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return body.run();
                }));
            }
            start.await(30, TimeUnit.SECONDS);
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            done.set(true);
            sampler.join();
        }
    }
}
