package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    private final CountDownLatch neverReleased = new CountDownLatch(1);

    @AfterEach
    void releaseStuckSteps() {
        neverReleased.countDown();
    }

    @Test
    void closesInReverseOrderOfRegistrationOnNamedThreads() {
        List<String> closed = new CopyOnWriteArrayList<>();
        Lifecycle lifecycle = Lifecycle.create("gateway", Duration.ofSeconds(5));
        lifecycle.register(
                "executor",
                "upstream-pool",
                () -> closed.add("pool " + Thread.currentThread().getName()));
        lifecycle.register("client", "anthropic", () -> closed.add("anthropic"));
        lifecycle.register("server", "listener", () -> closed.add("listener"));

        lifecycle.close();

        assertThat(closed).containsExactly("listener", "anthropic", "pool sluice-close-gateway-upstream-pool");
        assertThat(lifecycle.isClosed()).isTrue();
        assertThat(lifecycle.resources()).isEmpty();
    }

    @Test
    void stepThatBlocksIsAbandonedAfterDeadlineAndReported() {
        List<String> closed = new CopyOnWriteArrayList<>();
        Lifecycle lifecycle = Lifecycle.create("gateway", Duration.ofMillis(100));
        lifecycle.register("cache", "responses", () -> closed.add("responses"));
        lifecycle.register("client", "stuck-upstream", () -> {
            while (true) {
                try {
                    neverReleased.await();
                    return;
                } catch (InterruptedException ignored) {
                    // a truly stuck close ignores interrupts too
                }
            }
        });
        lifecycle.register("server", "listener", () -> closed.add("listener"));

        LifecycleException e = catchThrowableOfType(LifecycleException.class, lifecycle::close);

        assertThat(closed).containsExactly("listener", "responses");
        assertThat(e).hasMessageContaining("1 of 3");
        assertThat(e.getSuppressed())
                .singleElement()
                .satisfies(s -> assertThat(s)
                        .hasMessageContaining("client stuck-upstream")
                        .hasMessageContaining("PT0.1S"));
    }

    @Test
    void failuresAreCollectedAsSuppressedAfterAllSteps() {
        AtomicInteger cleanCloses = new AtomicInteger();
        IllegalStateException first = new IllegalStateException("pool refused");
        OutOfMemoryError second = new OutOfMemoryError("simulated");
        Lifecycle lifecycle = Lifecycle.create("gateway", Duration.ofSeconds(5));
        lifecycle.register("a", "clean-1", cleanCloses::incrementAndGet);
        lifecycle.register("b", "failing-1", () -> {
            throw first;
        });
        lifecycle.register("c", "clean-2", cleanCloses::incrementAndGet);
        lifecycle.register("d", "failing-2", () -> {
            throw second;
        });

        LifecycleException e = catchThrowableOfType(LifecycleException.class, lifecycle::close);

        assertThat(cleanCloses).hasValue(2);
        assertThat(e.getSuppressed()).containsExactly(second, first);
        assertThat(e).hasMessageContaining("2 of 4");
    }

    @Test
    void closeIsIdempotent() {
        AtomicInteger closes = new AtomicInteger();
        Lifecycle lifecycle = Lifecycle.create("gateway", Duration.ofSeconds(5));
        lifecycle.register("x", "failing", () -> {
            closes.incrementAndGet();
            throw new IllegalStateException("once");
        });

        assertThatThrownBy(lifecycle::close).isInstanceOf(LifecycleException.class);
        lifecycle.close();

        assertThat(closes).hasValue(1);
    }

    @Test
    void registerAfterCloseClosesResourceAndThrows() {
        AtomicInteger closes = new AtomicInteger();
        Lifecycle lifecycle = Lifecycle.create("gateway", Duration.ofSeconds(5));
        lifecycle.close();

        assertThatThrownBy(() -> lifecycle.register("client", "late", closes::incrementAndGet))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("client late");
        assertThat(closes).hasValue(1);
    }

    @Test
    void resourcesListKindOwnerNameCreationBoundAndCurrentSize() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        AtomicLong size = new AtomicLong(3);
        Lifecycle lifecycle = Lifecycle.create("gateway", Duration.ofSeconds(5), clock);
        lifecycle.register("executor", "retention", () -> {});
        clock.advance(Duration.ofSeconds(1));
        lifecycle.register("cache", "responses", () -> {}, () -> 1024, size::get);
        size.set(7);

        assertThat(lifecycle.resources())
                .containsExactly(
                        new ResourceInfo(
                                "executor", "gateway", "retention", Instant.parse("2025-01-01T00:00:00Z"), -1, -1),
                        new ResourceInfo(
                                "cache", "gateway", "responses", Instant.parse("2025-01-01T00:00:01Z"), 1024, 7));
        lifecycle.close();
    }
}
