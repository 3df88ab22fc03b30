package dev.sluice.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;

/** Buckets in this instance only (Bucket4j), in a bounded map that forgets buckets idle for two minutes. */
final class LocalBuckets implements RateBuckets {

    private final Cache<String, Bucket> buckets;

    /** @param ticker the idle clock ({@link Ticker#systemTicker()} in production) */
    LocalBuckets(int maxBuckets, Ticker ticker) {
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxBuckets)
                .expireAfterAccess(Duration.ofMinutes(2))
                .ticker(ticker)
                .build();
    }

    private Bucket bucket(String name, long capacity) {
        return buckets.get(
                name + "/" + capacity,
                n -> Bucket.builder()
                        .addLimit(l -> l.capacity(capacity).refillIntervally(capacity, Duration.ofMinutes(1)))
                        .build());
    }

    @Override
    public Optional<Duration> tryTake(String name, long capacity, long tokens) {
        ConsumptionProbe p = bucket(name, capacity).tryConsumeAndReturnRemaining(Math.min(tokens, capacity));
        return p.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(p.getNanosToWaitForRefill()));
    }

    @Override
    public void takeAnyway(String name, long capacity, long tokens) {
        if (tokens > 0) {
            bucket(name, capacity).consumeIgnoringRateLimits(tokens);
        }
    }

    @Override
    public void giveBack(String name, long capacity, long tokens) {
        bucket(name, capacity).addTokens(tokens);
    }

    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    @Override
    public void close() {
        buckets.invalidateAll();
    }
}
