package dev.sluice.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.gateway.auth.KeyPolicy;
import dev.sluice.gateway.store.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-key limits on one instance and shared through Redis. */
class LimitsTest {

    static KeyPolicy policy(int rpm, int tpm, int concurrent, long budget) {
        return new KeyPolicy(
                List.of(),
                rpm,
                tpm,
                concurrent,
                budget,
                budget > 0 ? KeyPolicy.BudgetPeriod.DAY : KeyPolicy.BudgetPeriod.NONE,
                "interactive");
    }

    @Test
    void requestsPerMinuteAdmitExactlyTheLimitThenSayWhenToRetry() {
        try (Limits limits = Limits.local(1000, (k, since) -> 0)) {
            int admitted = 0;
            Limits.Decision last = null;
            for (int i = 0; i < 150; i++) {
                last = limits.admit("k", policy(100, 0, 0, 0), 10);
                if (last instanceof Limits.Admitted a) {
                    admitted++;
                    a.lease().close();
                }
            }
            assertThat(admitted).isEqualTo(100);
            assertThat(last)
                    .isInstanceOfSatisfying(
                            Limits.Limited.class,
                            l -> assertThat(l.retryAfter()).isPositive());
        }
    }

    @Test
    void tokensPerMinuteChargeTheRealUsageAsDebt() {
        try (Limits limits = Limits.local(1000, (k, since) -> 0)) {
            Limits.Admitted first = (Limits.Admitted) limits.admit("k", policy(0, 1000, 0, 0), 100);
            first.lease().record(100, 950); // 950 tokens more than estimated: the bucket is in debt
            first.lease().close();
            assertThat(limits.admit("k", policy(0, 1000, 0, 0), 100)).isInstanceOf(Limits.Limited.class);
        }
    }

    @Test
    void concurrencySlotsAreReleasedExactlyOnceAndARefusalGivesBackTheRequest() {
        try (Limits limits = Limits.local(1000, (k, since) -> 0)) {
            KeyPolicy p = policy(3, 0, 2, 0);
            Limits.Admitted a = (Limits.Admitted) limits.admit("k", p, 1);
            Limits.Admitted b = (Limits.Admitted) limits.admit("k", p, 1);
            assertThat(limits.admit("k", p, 1)).isInstanceOf(Limits.Limited.class);
            assertThat(limits.held()).isEqualTo(2);
            a.lease().close();
            a.lease().close();
            assertThat(limits.held()).isEqualTo(1);
            Limits.Admitted c = (Limits.Admitted) limits.admit("k", p, 1); // the refused one gave its request back
            b.lease().close();
            c.lease().close();
            assertThat(limits.held()).isZero();
            assertThat(limits.leaks()).isEmpty();
        }
    }

    @Test
    void anExhaustedBudgetRefusesUntilThePeriodEnds() {
        AtomicLong used = new AtomicLong(999);
        try (Limits limits = Limits.local(1000, (k, since) -> used.get())) {
            assertThat(limits.admit("k", policy(0, 0, 0, 1000), 1)).isInstanceOf(Limits.Admitted.class);
            used.set(1000);
            assertThat(limits.admit("k", policy(0, 0, 0, 1000), 1)).isInstanceOfSatisfying(Limits.Limited.class, l -> {
                assertThat(l.reason()).contains("budget");
                assertThat(l.retryAfter()).isPositive().isLessThanOrEqualTo(java.time.Duration.ofDays(1));
            });
        }
    }

    @Test
    void localBucketsStayBoundedUnderManyKeys() {
        LocalBuckets buckets = new LocalBuckets(1000, Ticker.systemTicker());
        for (int i = 0; i < 100_000; i++) {
            buckets.tryTake("k" + i, 10, 1);
        }
        assertThat(buckets.size()).isLessThanOrEqualTo(1000);
    }

    @Test
    void anIdleBucketIsForgottenAfterTwoMinutesOnTheInjectedTicker() {
        AtomicLong nanos = new AtomicLong();
        LocalBuckets buckets = new LocalBuckets(1000, nanos::get);
        assertThat(buckets.tryTake("idle", 10, 1)).isEmpty();
        assertThat(buckets.tryTake("busy", 10, 1)).isEmpty();

        nanos.addAndGet(Duration.ofSeconds(90).toNanos());
        assertThat(buckets.tryTake("busy", 10, 1)).isEmpty(); // an access: busy's two minutes start again
        assertThat(buckets.size()).isEqualTo(2);

        nanos.addAndGet(Duration.ofSeconds(31).toNanos()); // idle untouched for 121 s, busy for 31 s
        assertThat(buckets.size()).isEqualTo(1);
        nanos.addAndGet(Duration.ofSeconds(90).toNanos());
        assertThat(buckets.size()).isZero();
    }

    @Test
    void twoInstancesSharingRedisAdmitTheLimitOnceNotTwice() throws Exception {
        TestDatabases.requireRedis();
        String prefix =
                "sluice-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
        try (Limits a = Limits.redis("redis://127.0.0.1:6379", prefix, true, (k, s) -> 0);
                Limits b = Limits.redis("redis://127.0.0.1:6379", prefix, true, (k, s) -> 0)) {
            AtomicLong admitted = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Limits l = t % 2 == 0 ? a : b;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 40; i++) {
                        if (l.admit("shared", policy(100, 0, 0, 0), 1) instanceof Limits.Admitted ok) {
                            admitted.incrementAndGet();
                            ok.lease().close();
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(admitted.get()).isEqualTo(100);
        }
    }

    @Test
    void whenRedisGoesAwayTheCheckFailsOpenOrClosedAsConfigured() throws Exception {
        TestDatabases.requireRedis();
        try (dev.sluice.gateway.store.TcpProxy proxy = dev.sluice.gateway.store.TcpProxy.to(6379);
                RedisBuckets open = new RedisBuckets("redis://127.0.0.1:" + proxy.port(), "sluice-test-o:", true);
                RedisBuckets closed = new RedisBuckets("redis://127.0.0.1:" + proxy.port(), "sluice-test-c:", false)) {
            assertThat(open.tryTake("k", 1, 1)).isEmpty();
            assertThat(open.tryTake("k", 1, 1)).isPresent(); // limited while Redis answers
            proxy.cut();
            assertThat(open.tryTake("k", 1, 1)).isEmpty(); // fail open: admitted, error counted
            assertThat(closed.tryTake("k", 1, 1)).isPresent(); // fail closed: refused
            assertThat(open.errors()).isPositive();
            assertThat(closed.errors()).isPositive();
        }
    }
}
