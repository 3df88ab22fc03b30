package dev.sluice.gateway.limits;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.core.LeakSource;
import dev.sluice.gateway.auth.KeyPolicy;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongBiFunction;

/**
 * A key's limits, checked in this order: token budget for the period, requests per minute, tokens per
 * minute (the input estimate now, the real output after the answer), concurrent requests. A request
 * refused by a later check gives back what the earlier ones took. Rate limits use Redis when
 * configured (shared by every instance) else this instance's buckets; the budget is read from the usage
 * records (so it holds across restarts and, with PostgreSQL, across instances); concurrency is counted
 * per instance.
 */
public final class Limits implements AutoCloseable, LeakSource {

    /** The verdict for one request. */
    public sealed interface Decision permits Admitted, Limited {}

    /** Admitted: close the lease when the request ends; report the real tokens first. */
    public record Admitted(Lease lease) implements Decision {}

    /** Refused: why, and when to try again. */
    public record Limited(String reason, Duration retryAfter) implements Decision {}

    private final RateBuckets buckets;
    private final ToLongBiFunction<String, Long> tokensUsedSince;
    private final ConcurrentHashMap<String, AtomicInteger> concurrent = new ConcurrentHashMap<>();

    /**
     * @param tokensUsedSince tokens (in + out) a key used since an epoch-millis instant; may be cached
     */
    private Limits(RateBuckets buckets, ToLongBiFunction<String, Long> tokensUsedSince) {
        this.buckets = buckets;
        this.tokensUsedSince = tokensUsedSince;
    }

    public static Limits local(int maxKeys, ToLongBiFunction<String, Long> tokensUsedSince) {
        return new Limits(new LocalBuckets(maxKeys, Ticker.systemTicker()), tokensUsedSince);
    }

    public static Limits redis(
            String url, String prefix, boolean failOpen, ToLongBiFunction<String, Long> tokensUsedSince) {
        return new Limits(new RedisBuckets(url, prefix, failOpen), tokensUsedSince);
    }

    public Decision admit(String keyId, KeyPolicy p, long estimatedInputTokens) {
        if (p.budgetTokens() > 0 && p.period() != KeyPolicy.BudgetPeriod.NONE) {
            ZonedDateTime start = periodStart(p.period());
            if (tokensUsedSince.applyAsLong(keyId, start.toInstant().toEpochMilli()) >= p.budgetTokens()) {
                ZonedDateTime end = p.period() == KeyPolicy.BudgetPeriod.DAY ? start.plusDays(1) : start.plusMonths(1);
                return new Limited(
                        "token budget of " + p.budgetTokens() + " for this "
                                + p.period().name().toLowerCase(Locale.ROOT) + " is used up until " + end.toInstant(),
                        Duration.between(ZonedDateTime.now(ZoneOffset.UTC), end));
            }
        }
        if (p.requestsPerMinute() > 0) {
            Optional<Duration> wait = buckets.tryTake("rpm:" + keyId, p.requestsPerMinute(), 1);
            if (wait.isPresent()) {
                return new Limited("more than " + p.requestsPerMinute() + " requests per minute", wait.get());
            }
        }
        long estimate = Math.max(1, estimatedInputTokens);
        if (p.tokensPerMinute() > 0) {
            Optional<Duration> wait = buckets.tryTake("tpm:" + keyId, p.tokensPerMinute(), estimate);
            if (wait.isPresent()) {
                giveBackRequest(keyId, p);
                return new Limited("more than " + p.tokensPerMinute() + " tokens per minute", wait.get());
            }
        }
        if (p.maxConcurrent() > 0) {
            AtomicInteger n = concurrent.computeIfAbsent(keyId, k -> new AtomicInteger());
            if (n.incrementAndGet() > p.maxConcurrent()) {
                release(keyId);
                giveBackRequest(keyId, p);
                if (p.tokensPerMinute() > 0) {
                    buckets.giveBack("tpm:" + keyId, p.tokensPerMinute(), estimate);
                }
                return new Limited("more than " + p.maxConcurrent() + " concurrent requests", Duration.ofSeconds(1));
            }
        }
        return new Admitted(new Lease(keyId, p, estimate));
    }

    private void giveBackRequest(String keyId, KeyPolicy p) {
        if (p.requestsPerMinute() > 0) {
            buckets.giveBack("rpm:" + keyId, p.requestsPerMinute(), 1);
        }
    }

    private void release(String keyId) {
        concurrent.computeIfPresent(keyId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    static ZonedDateTime periodStart(KeyPolicy.BudgetPeriod period) {
        ZonedDateTime day = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        return period == KeyPolicy.BudgetPeriod.MONTH ? day.withDayOfMonth(1) : day;
    }

    /** Requests holding a concurrency slot now, over all keys. */
    public int held() {
        return concurrent.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public String leakSourceName() {
        return "per-key limits";
    }

    @Override
    public List<String> leaks() {
        int held = held();
        return held == 0 ? List.of() : List.of("concurrency slots held=" + held + " (expected 0)");
    }

    @Override
    public void close() {
        buckets.close();
    }

    /** One admitted request's hold on its key's limits. */
    public final class Lease implements AutoCloseable {
        private final String keyId;
        private final KeyPolicy policy;
        private final long estimate;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Lease(String keyId, KeyPolicy policy, long estimate) {
            this.keyId = keyId;
            this.policy = policy;
            this.estimate = estimate;
        }

        /** Charges the tokens really used beyond the estimate to the per-minute bucket (possibly into debt). */
        public void record(long inputTokens, long outputTokens) {
            long extra = inputTokens + outputTokens - estimate;
            if (policy.tokensPerMinute() > 0 && extra > 0) {
                buckets.takeAnyway("tpm:" + keyId, policy.tokensPerMinute(), extra);
            }
        }

        /** Releases the concurrency slot, exactly once. */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true) && policy.maxConcurrent() > 0) {
                release(keyId);
            }
        }
    }
}
