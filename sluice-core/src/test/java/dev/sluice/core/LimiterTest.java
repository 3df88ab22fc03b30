package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LimiterTest {

    private static final int LIMIT = 8;
    private static final int THREADS = 64;
    private static final int OPS = 100_000;

    @Test
    void inFlightNeverExceedsLimitUnderContentionAndReturnsToZero() throws Exception {
        Limiter limiter = Limiter.fixed("contended", LIMIT);
        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicLong maxSampled = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Outcome[] outcomes = Outcome.values();

        Thread sampler = Thread.ofPlatform().name("limiter-sampler").start(() -> {
            while (!done.get()) {
                maxSampled.accumulateAndGet(limiter.inFlight(), Math::max);
            }
        });
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < OPS; i++) {
                        if (limiter.tryAcquire() instanceof Admission.Granted(Permit permit)) {
                            try (permit) {
                                maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                                if ((i & 7) == 0) {
                                    Thread.yield(); // holders get descheduled at the limit: widens the race
                                }
                                holders.decrementAndGet();
                                permit.outcome(outcomes[i % outcomes.length]);
                            }
                        }
                    }
                    return null;
                }));
            }
            start.await(30, TimeUnit.SECONDS);
            for (Future<?> w : workers) {
                w.get(2, TimeUnit.MINUTES);
            }
        } finally {
            done.set(true);
            sampler.join();
        }

        LimiterStats stats = limiter.stats();
        assertThat(maxSampled.get()).isBetween(1L, (long) LIMIT);
        assertThat(maxHolders.get()).isBetween(1, LIMIT);
        assertThat(limiter.inFlight()).isZero();
        assertThat(stats.admitted() + stats.rejected()).isEqualTo((long) THREADS * OPS);
        assertThat(stats.admitted()).isEqualTo(stats.released() + stats.inFlight());
        assertThat(stats.succeeded()).isPositive();
        assertThat(stats.dropped()).isPositive();
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void doubleCloseReleasesOnlyOnce() {
        Limiter limiter = Limiter.fixed("double", 2);
        Permit first = granted(limiter);
        Permit second = granted(limiter);
        first.outcome(Outcome.SUCCESS);

        first.close();
        first.close();

        assertThat(first.isReleased()).isTrue();
        assertThat(limiter.inFlight()).isEqualTo(1);
        assertThat(limiter.stats().succeeded()).isEqualTo(1);
        second.close();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void errorThrownInBodyStillReleasesAndCountsAsFailure() {
        Limiter limiter = Limiter.fixed("error", 1);
        Permit permit = granted(limiter);

        assertThatThrownBy(() -> {
                    try (permit) {
                        throw new StackOverflowError("simulated");
                    }
                })
                .isInstanceOf(StackOverflowError.class);

        assertThat(permit.isReleased()).isTrue();
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.stats().failed()).isEqualTo(1);
        assertThat(limiter.tryAcquire()).isInstanceOf(Admission.Granted.class);
    }

    @Test
    void rejectionReasonCarriesInFlightAndLimit() {
        Limiter limiter = Limiter.fixed("full", LIMIT);
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            held.add(granted(limiter));
        }

        Admission admission = limiter.tryAcquire();

        assertThat(admission)
                .isInstanceOfSatisfying(
                        Admission.Rejected.class, r -> assertThat(r.reason()).contains("in-flight 8/8"));
        assertThat(limiter.stats().rejected()).isEqualTo(1);
        held.forEach(Permit::close);
    }

    @Test
    void lastRecordedOutcomeWinsAndLaterOutcomesAreIgnored() {
        Limiter limiter = Limiter.fixed("outcome", 1);
        Permit permit = granted(limiter);
        permit.outcome(Outcome.SUCCESS);
        permit.outcome(Outcome.CANCELLED);
        permit.close();
        permit.outcome(Outcome.DROPPED);
        permit.close();

        LimiterStats stats = limiter.stats();
        assertThat(stats.cancelled()).isEqualTo(1);
        assertThat(stats.succeeded()).isZero();
        assertThat(stats.dropped()).isZero();
    }

    @Test
    void leaksReportPermitsStillInFlight() {
        Limiter limiter = Limiter.fixed("leaky", 4);
        Permit permit = granted(limiter);

        assertThat(limiter.leaks()).containsExactly("in-flight 1 (expected 0)");
        permit.close();
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void algorithmDecidesTheLimitAndSeesEveryReleasedPermit() {
        AtomicInteger limit = new AtomicInteger(1);
        List<Outcome> samples = new ArrayList<>();
        LimitAlgorithm algorithm = new LimitAlgorithm() {
            @Override
            public int limit() {
                return limit.get();
            }

            @Override
            public void onSample(long heldNanos, long inFlightAtGrant, Outcome outcome) {
                samples.add(outcome);
            }
        };
        Limiter limiter = Limiter.create("adaptive", algorithm);
        Permit first = granted(limiter);
        assertThat(limiter.tryAcquire()).isInstanceOf(Admission.Rejected.class);

        limit.set(2);
        Permit second = granted(limiter);
        first.outcome(Outcome.DROPPED);
        first.close();
        second.close();

        assertThat(samples).containsExactly(Outcome.DROPPED, Outcome.FAILURE);
        assertThat(limiter.limit()).isEqualTo(2);
    }

    @Test
    void fixedLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> Limiter.fixed("zero", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
    }

    private static Permit granted(Limiter limiter) {
        Admission admission = limiter.tryAcquire();
        assertThat(admission).isInstanceOf(Admission.Granted.class);
        return ((Admission.Granted) admission).permit();
    }
}
