package dev.sluice.gateway.cache;

import dev.sluice.gateway.store.RedisLink;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The shared tier: entries in Redis with their TTL; an unreachable Redis is a miss, never an error. */
final class RedisTier implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("sluice.cache");
    private final RedisLink redis;
    private final String prefix;
    final AtomicLong errors = new AtomicLong();

    RedisTier(String url, String prefix) {
        this.redis = new RedisLink(url, Duration.ofMillis(500));
        this.prefix = prefix + "cache:";
    }

    Optional<byte[]> get(String key) {
        try {
            return Optional.ofNullable(redis.connection().sync().get(k(key)));
        } catch (RuntimeException e) {
            failed(e);
            return Optional.empty();
        }
    }

    void put(String key, byte[] body, long ttlMillis) {
        try {
            redis.connection().sync().set(k(key), body, SetArgs.Builder.px(Math.max(1, ttlMillis)));
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private byte[] k(String key) {
        return (prefix + key).getBytes(StandardCharsets.UTF_8);
    }

    private void failed(RuntimeException e) {
        long n = errors.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            LOG.log(System.Logger.Level.WARNING, "Redis cache tier unavailable (" + n + " errors): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
