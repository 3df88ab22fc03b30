package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResourceScopeTest {

    private final ScopeRegistry registry = ScopeRegistry.create("test");

    @Test
    void closesInReverseOrderOfRegistration() {
        List<String> closed = new ArrayList<>();
        ResourceScope scope = registry.open("request", "r1");
        scope.own("permit", () -> closed.add("permit"));
        scope.onClose("timer", () -> closed.add("timer"));
        scope.own("upstream", () -> closed.add("upstream"));

        scope.close();

        assertThat(closed).containsExactly("upstream", "timer", "permit");
        assertThat(scope.isClosed()).isTrue();
    }

    @Test
    void failingStepDoesNotStopLaterSteps() {
        List<String> closed = new ArrayList<>();
        ResourceScope scope = registry.open("request", "r2");
        scope.own("first", () -> closed.add("first"));
        scope.own("exception", () -> {
            throw new IllegalStateException("boom");
        });
        scope.onClose("error", () -> {
            throw new AssertionError("planted");
        });
        scope.own("last", () -> closed.add("last"));

        scope.close();

        assertThat(closed).containsExactly("last", "first");
        assertThat(registry.liveScopes()).isZero();
    }

    @Test
    void closeIsIdempotent() {
        AtomicInteger runs = new AtomicInteger();
        ResourceScope scope = registry.open("request", "r3");
        scope.onClose("count", runs::incrementAndGet);

        scope.close();
        scope.close();

        assertThat(runs).hasValue(1);
        assertThat(registry.closedTotal()).isEqualTo(1);
        assertThat(registry.liveScopes()).isZero();
    }

    @Test
    void registeringAfterCloseClosesImmediately() {
        ResourceScope scope = registry.open("request", "r4");
        scope.close();
        AtomicInteger closed = new AtomicInteger();

        AutoCloseable resource = scope.own("late", closed::incrementAndGet);
        scope.onClose("late-action", closed::incrementAndGet);

        assertThat(resource).isNotNull();
        assertThat(closed).hasValue(2);
    }

    @Test
    void liveCountReturnsToZeroAfterConcurrentOpenAndClose() throws Exception {
        int threads = 32;
        int perThread = 10_000;
        AtomicInteger stepsRun = new AtomicInteger();
        runConcurrently(threads, () -> {
            for (int i = 0; i < perThread; i++) {
                try (ResourceScope scope = registry.open("request", "r" + i)) {
                    scope.onClose("step", stepsRun::incrementAndGet);
                    if (registry.liveScopes() < 1) {
                        throw new AssertionError("open scope not counted as live");
                    }
                }
            }
        });

        assertThat(registry.liveScopes()).isZero();
        assertThat(registry.openedTotal()).isEqualTo((long) threads * perThread);
        assertThat(registry.closedTotal()).isEqualTo((long) threads * perThread);
        assertThat(stepsRun).hasValue(threads * perThread);
        assertThat(registry.leaks()).isEmpty();
    }

    @Test
    void concurrentCloseRunsEachStepOnce() throws Exception {
        int rounds = 2_000;
        CyclicBarrier barrier = new CyclicBarrier(2);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < rounds; round++) {
                ResourceScope scope = registry.open("request", "race-" + round);
                AtomicInteger a = new AtomicInteger();
                AtomicInteger b = new AtomicInteger();
                scope.onClose("a", a::incrementAndGet);
                scope.own("b", b::incrementAndGet);
                Runnable closer = () -> {
                    await(barrier);
                    scope.close();
                };

                Future<?> first = pool.submit(closer);
                Future<?> second = pool.submit(closer);
                first.get(30, TimeUnit.SECONDS);
                second.get(30, TimeUnit.SECONDS);

                assertThat(a).hasValue(1);
                assertThat(b).hasValue(1);
            }
        }
        assertThat(registry.liveScopes()).isZero();
        assertThat(registry.closedTotal()).isEqualTo(rounds);
    }

    @Test
    void registrationRacingCloseNeverLosesAResource() throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        try (ExecutorService reader = Executors.newSingleThreadExecutor()) {
            for (int round = 0; round < 2_000; round++) {
                ResourceScope scope = registry.open("request", "reader-" + round);
                List<String> closed = new CopyOnWriteArrayList<>();
                Future<?> registering = reader.submit(() -> {
                    await(barrier);
                    for (int i = 0; i < 5; i++) {
                        String name = "stream-" + i;
                        scope.own(name, () -> closed.add(name));
                    }
                });
                await(barrier);
                scope.close();
                registering.get(30, TimeUnit.SECONDS);

                assertThat(closed)
                        .containsExactlyInAnyOrder("stream-0", "stream-1", "stream-2", "stream-3", "stream-4");
            }
        }
    }

    @Test
    void describeLiveAndLeaksNameEachOpenScopeWithItsAge() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        ScopeRegistry timed = ScopeRegistry.create("timed", clock);
        ResourceScope scope = timed.open("request", "req-42");
        clock.advance(Duration.ofMillis(120));

        assertThat(timed.describeLive()).containsExactly("request req-42 age 120 ms");
        assertThat(timed.leaks()).singleElement().asString().contains("req-42");
        assertThat(scope.openedAt()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));

        scope.close();
        assertThat(timed.leaks()).isEmpty();
    }

    private static void runConcurrently(int threads, Runnable body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    await(start);
                    body.run();
                }));
            }
            for (Future<?> f : futures) {
                f.get(1, TimeUnit.MINUTES);
            }
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
