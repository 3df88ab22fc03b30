package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class SupervisedTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final RandomGenerator LOWEST_JITTER = () -> 0L; // factor 0.5 exactly

    @Test
    void failingJobIsRetriedWithGrowingDelaysThenRecovers() throws Exception {
        AtomicReference<Supervised> self = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        List<Duration> delays = new CopyOnWriteArrayList<>();
        List<Long> startNanos = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        Runnable job = () -> {
            awaitQuietly(started);
            startNanos.add(System.nanoTime());
            delays.add(self.get().nextDelay());
            if (attempts.incrementAndGet() <= 3) {
                throw new IllegalStateException("attempt " + attempts.get());
            }
        };
        try (Supervised s = Supervised.builder("retrying", Duration.ofMillis(50), job)
                .initialDelay(Duration.ZERO)
                .backoff(new Backoff(Duration.ofMillis(20), Duration.ofSeconds(1)))
                .random(LOWEST_JITTER)
                .start()) {
            self.set(s);
            started.countDown();
            await().atMost(WAIT).until(() -> delays.size() >= 5);

            assertThat(delays.subList(0, 5))
                    .containsExactly(
                            Duration.ZERO,
                            Duration.ofMillis(10),
                            Duration.ofMillis(20),
                            Duration.ofMillis(40),
                            Duration.ofMillis(50));
            for (int i = 1; i < 5; i++) {
                assertThat(startNanos.get(i) - startNanos.get(i - 1))
                        .isGreaterThanOrEqualTo(delays.get(i).toNanos());
            }
            await().atMost(WAIT).until(() -> s.lastSuccess().isPresent());
            assertThat(s.consecutiveFailures()).isZero();
            assertThat(s.failures()).isEqualTo(3);
            assertThat(s.lastError()).hasValue("java.lang.IllegalStateException: attempt 3");
        }
    }

    @Test
    void schedulerThreadSurvivesAnErrorThrownByTheJob() {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        try (Supervised s = Supervised.builder("erring", Duration.ofMillis(10), () -> {
                    threads.add(Thread.currentThread());
                    if (attempts.incrementAndGet() % 2 == 1) {
                        throw new OutOfMemoryError("planted");
                    }
                })
                .backoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)))
                .start()) {
            await().atMost(WAIT).until(() -> s.runs() >= 6);

            assertThat(s.failures()).isGreaterThanOrEqualTo(3);
            assertThat(threads).extracting(Thread::getName).containsOnly("sluice-erring");
            assertThat(threads.get(threads.size() - 1)).isSameAs(threads.get(0)).matches(Thread::isAlive);
        }
    }

    @Test
    void runsNeverOverlapEvenOnAMultiThreadedScheduler() throws Exception {
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(4);
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        try (Supervised s = Supervised.builder("single", Duration.ofMillis(1), () -> {
                    maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // work longer than the period
                    }
                    active.decrementAndGet();
                })
                .executor(pool)
                .initialDelay(Duration.ZERO)
                .start()) {
            await().atMost(WAIT).until(() -> s.runs() >= 50);
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(maxActive).hasValue(1);
    }

    @Test
    void closeStopsFutureRunsOnASharedScheduler() throws Exception {
        ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor();
        try {
            Supervised s = Supervised.builder("stoppable", Duration.ofMillis(5), () -> {})
                    .executor(pool)
                    .initialDelay(Duration.ZERO)
                    .start();
            await().atMost(WAIT).until(() -> s.runs() >= 3);

            s.close();
            long runsAtClose = s.runs();
            ScheduledFuture<?> marker = pool.schedule(() -> {}, 100, TimeUnit.MILLISECONDS);
            marker.get(10, TimeUnit.SECONDS); // 20 periods later on the same thread

            assertThat(s.runs()).isEqualTo(runsAtClose);
            assertThat(s.isClosed()).isTrue();
            assertThat(pool.isShutdown())
                    .as("a shared scheduler is not ours to shut down")
                    .isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeWaitsForARunningJobAndStopsItsOwnThread() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        AtomicReference<Thread> jobThread = new AtomicReference<>();
        Supervised s = Supervised.builder("slow", Duration.ofMillis(10), () -> {
                    jobThread.set(Thread.currentThread());
                    entered.countDown();
                    awaitQuietly(release);
                    finished.set(true);
                })
                .initialDelay(Duration.ZERO)
                .start();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> finishedWhenCloseReturned = CompletableFuture.supplyAsync(() -> {
            s.close();
            return finished.get();
        });
        await().atMost(WAIT).until(s::isClosed);
        release.countDown();

        assertThat(finishedWhenCloseReturned.get(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(() -> !jobThread.get().isAlive());
        assertThat(s.runs()).isEqualTo(1);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
