package dev.sluice.gateway.limits;

import dev.sluice.gateway.store.RedisLink;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Buckets shared by every instance through Redis (Bucket4j's compare-and-swap over Lettuce), so a
 * limit holds across replicas instead of being multiplied by their number. Each key expires once its
 * bucket would be full again, so Redis does not grow with idle keys. When Redis cannot be reached the
 * check fails open (admits, counts the error) or closed, as configured.
 */
final class RedisBuckets implements RateBuckets {

    private static final System.Logger LOG = System.getLogger("sluice.limits");

    private final RedisLink redis;
    private final ProxyManager<byte[]> proxies;
    private final String prefix;
    private final boolean failOpen;
    private final AtomicLong errors = new AtomicLong();

    RedisBuckets(String url, String prefix, boolean failOpen) {
        this.redis = new RedisLink(url, Duration.ofSeconds(1));
        this.proxies = Bucket4jLettuce.casBasedBuilder(redis.connection())
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        this.prefix = prefix;
        this.failOpen = failOpen;
    }

    private io.github.bucket4j.Bucket bucket(String name, long capacity) {
        byte[] key = (prefix + "bucket:" + name + "/" + capacity).getBytes(StandardCharsets.UTF_8);
        return proxies.builder()
                .build(
                        key,
                        () -> BucketConfiguration.builder()
                                .addLimit(l -> l.capacity(capacity).refillIntervally(capacity, Duration.ofMinutes(1)))
                                .build());
    }

    @Override
    public Optional<Duration> tryTake(String name, long capacity, long tokens) {
        try {
            ConsumptionProbe p = bucket(name, capacity).tryConsumeAndReturnRemaining(Math.min(tokens, capacity));
            return p.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(p.getNanosToWaitForRefill()));
        } catch (RuntimeException e) {
            failed(e);
            return failOpen ? Optional.empty() : Optional.of(Duration.ofSeconds(1));
        }
    }

    @Override
    public void takeAnyway(String name, long capacity, long tokens) {
        try {
            if (tokens > 0) {
                bucket(name, capacity).consumeIgnoringRateLimits(tokens);
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void giveBack(String name, long capacity, long tokens) {
        try {
            bucket(name, capacity).addTokens(tokens);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    long errors() {
        return errors.get();
    }

    private void failed(RuntimeException e) {
        long n = errors.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Redis limit check failed (" + n + " so far), failing " + (failOpen ? "open" : "closed") + ": "
                            + e.getMessage());
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
