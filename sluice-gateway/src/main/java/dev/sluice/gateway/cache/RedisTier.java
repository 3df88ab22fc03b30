package dev.sluice.gateway.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The shared tier: entries in Redis with their TTL; an unreachable Redis is a miss, never an error. */
final class RedisTier implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("sluice.cache");
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final String prefix;
    final AtomicLong errors = new AtomicLong();

    RedisTier(String url, String prefix) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(Duration.ofMillis(500));
        this.client = RedisClient.create(uri);
        client.setOptions(io.lettuce.core.ClientOptions.builder() // fail fast while disconnected; reconnect behind
                .disconnectedBehavior(io.lettuce.core.ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        this.connection = client.connect(ByteArrayCodec.INSTANCE);
        this.prefix = prefix + "cache:";
    }

    Optional<byte[]> get(String key) {
        try {
            return Optional.ofNullable(connection.sync().get(k(key)));
        } catch (RuntimeException e) {
            failed(e);
            return Optional.empty();
        }
    }

    void put(String key, byte[] body, long ttlMillis) {
        try {
            connection.sync().set(k(key), body, SetArgs.Builder.px(Math.max(1, ttlMillis)));
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
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
