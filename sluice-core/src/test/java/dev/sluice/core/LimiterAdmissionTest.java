package dev.sluice.core;

import static dev.sluice.core.LimiterQueueTest.granted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What is decided before any queueing: the gate, the interactive reserve, an adaptive limit. */
class LimiterAdmissionTest {

    @Test
    void batchIsShedBeyondTheInteractiveReserveWhileInteractiveIsStillAdmitted() throws Exception {
        Limiter limiter =
                Limiter.builder("reserve").algorithm(LimitAlgorithm.fixed(10)).build(); // reserve 0.2
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            held.add(granted(limiter.acquire(Priority.BATCH, Duration.ZERO)));
        }

        Admission batch = limiter.acquire(Priority.BATCH, Duration.ZERO);
        held.add(granted(limiter.acquire(Priority.INTERACTIVE, Duration.ZERO)));
        held.add(granted(limiter.tryAcquire()));

        assertThat(batch)
                .isEqualTo(new Admission.Rejected(
                        ShedReason.PRIORITY, "batch: in-flight 8/10 >= 8 (20% reserved for interactive)"));
        assertThat(limiter.tryAcquire()).isEqualTo(new Admission.Rejected(ShedReason.LIMIT, "in-flight 10/10"));
        LimiterStats stats = limiter.stats();
        assertThat(stats.shed(ShedReason.PRIORITY)).isEqualTo(1);
        assertThat(stats.shed(ShedReason.LIMIT)).isEqualTo(1);
        assertThat(stats.rejected()).isEqualTo(2);
        held.forEach(Permit::close);
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void queuedBatchWaitsForItsShareEvenWhenInteractiveCapacityIsFree() throws Exception {
        Limiter limiter = Limiter.builder("batch-queue")
                .algorithm(LimitAlgorithm.fixed(4))
                .queueCapacity(2)
                .interactiveReserve(0.5)
                .build(); // batch may start below 2 in flight
        Permit a = granted(limiter.acquire(Priority.BATCH, Duration.ZERO));
        Permit b = granted(limiter.acquire(Priority.BATCH, Duration.ZERO));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Admission> batch = pool.submit(() -> limiter.acquire(Priority.BATCH, Duration.ofMinutes(10)));
            await().atMost(Duration.ofSeconds(30)).until(() -> limiter.queued() == 1);

            Permit interactive = granted(limiter.tryAcquire()); // 3/4: interactive still fits
            a.close();
            assertThat(batch).isNotDone(); // 2/4 in flight: not below the batch share of 2
            assertThat(limiter.queued()).isEqualTo(1);
            interactive.close();

            granted(batch.get(30, TimeUnit.SECONDS)).close();
        } finally {
            pool.shutdownNow();
        }
        b.close();
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void gateRefusalShedsWithTheGatesTextAndQueuesNothing() throws Exception {
        AtomicReference<Optional<String>> pressure = new AtomicReference<>(Optional.of("old gen after GC 93% > 92%"));
        Limiter limiter =
                Limiter.builder("gated").queueCapacity(8).gate(pressure::get).build();

        Admission queuedRequest = limiter.acquire(Priority.INTERACTIVE, Duration.ofMinutes(10));
        Admission plain = limiter.tryAcquire();

        Admission.Rejected expected = new Admission.Rejected(ShedReason.GATE, "old gen after GC 93% > 92%");
        assertThat(queuedRequest).isEqualTo(expected);
        assertThat(plain).isEqualTo(expected);
        assertThat(limiter.queued()).isZero();
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.stats().shed(ShedReason.GATE)).isEqualTo(2);
        pressure.set(Optional.empty());
        granted(limiter.tryAcquire()).close();
        assertThat(limiter.stats().admitted()).isEqualTo(1);
    }

    @Test
    void loweringTheLimitStopsGrantsUntilInFlightDropsBelowIt() throws Exception {
        AtomicInteger limit = new AtomicInteger(4);
        Limiter limiter = Limiter.builder("adaptive")
                .algorithm(limit::get)
                .queueCapacity(1)
                .build();
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(granted(limiter.tryAcquire()));
        }

        limit.set(2);
        assertThat(limiter.tryAcquire()).isEqualTo(new Admission.Rejected(ShedReason.LIMIT, "in-flight 4/2"));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Admission> waiter = pool.submit(() -> limiter.acquire(Priority.INTERACTIVE, Duration.ofMinutes(10)));
            await().atMost(Duration.ofSeconds(30)).until(() -> limiter.queued() == 1);
            held.remove(0).close();
            held.remove(0).close();
            assertThat(waiter).isNotDone(); // 2 in flight, limit 2
            assertThat(limiter.inFlight()).isEqualTo(2);

            held.remove(0).close();

            held.add(granted(waiter.get(30, TimeUnit.SECONDS)));
        } finally {
            pool.shutdownNow();
        }
        assertThat(limiter.inFlight()).isEqualTo(2);
        assertThat(limiter.tryAcquire()).isInstanceOf(Admission.Rejected.class);
        held.forEach(Permit::close);
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void statsCountEveryShedReasonAndTotalThemAsRejected() {
        Limiter limiter = Limiter.fixed("stats", 1);
        Permit held = granted(limiter.tryAcquire());
        limiter.tryAcquire();

        LimiterStats stats = limiter.stats();

        assertThat(stats.shed()).containsOnlyKeys(ShedReason.values());
        assertThat(stats.shed(ShedReason.LIMIT)).isEqualTo(1);
        assertThat(stats.rejected()).isEqualTo(1);
        assertThat(stats.queued()).isZero();
        assertThat(stats.admitted()).isEqualTo(stats.released() + stats.inFlight());
        held.close();
    }

    @Test
    void builderRefusesBadSettingsNamingTheValue() {
        assertThatThrownBy(() -> Limiter.builder("bad").queueCapacity(-1)).hasMessageContaining("got -1");
        assertThatThrownBy(() -> Limiter.builder("bad").interactiveReserve(1.0)).hasMessageContaining("got 1.0");
        assertThatThrownBy(() -> Limiter.builder("bad").maxWait(Duration.ofMillis(-1)))
                .hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> Limiter.fixed("bad", 1).acquire(Priority.BATCH, Duration.ofSeconds(-1)))
                .hasMessageContaining("max wait");
    }
}
