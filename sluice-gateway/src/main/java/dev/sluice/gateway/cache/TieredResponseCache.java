package dev.sluice.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.core.LeakSource;
import dev.sluice.gateway.store.JobRuns;
import java.io.IOException;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Exact-match response cache in tiers, looked up memory -> Redis -> SQL with promotion on a hit:
 * memory is a Caffeine cache bounded in BYTES (a weigher on each answer's size) with each entry's TTL;
 * the SQL tier is pruned on a schedule (expired rows, then the oldest over its byte bound) — not only
 * when written to — and every prune run is recorded; the Redis tier keeps entries with their TTL.
 * Answers larger than the per-entry bound are not cached.
 */
public final class TieredResponseCache implements ResponseCache, AutoCloseable, LeakSource {

    private final long maxEntryBytes;
    private final long memoryMaxBytes;
    private final Cache<String, CachedAnswer> memory;
    private final Optional<SqlTier> sql;
    private final Optional<RedisTier> redis;
    private final ScheduledExecutorService pruner;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong memoryHits = new AtomicLong();
    private final AtomicLong redisHits = new AtomicLong();
    private final AtomicLong sqlHits = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong tierErrors = new AtomicLong();
    private final InstantSource clock;

    /**
     * @param sqlDb      the SQL tier's database, or empty for none
     * @param redisUrl   the Redis tier's URL, or empty for none
     * @param pruneEvery how often the SQL tier is pruned
     * @param ticker     the memory tier's clock ({@link Ticker#systemTicker()} in production)
     * @param clock      the wall clock the answers' expiry times are read against ({@link InstantSource#system()})
     */
    public TieredResponseCache(
            long memoryMaxBytes,
            long maxEntryBytes,
            Optional<DataSource> sqlDb,
            long sqlMaxBytes,
            java.time.Duration pruneEvery,
            Optional<String> redisUrl,
            String redisPrefix,
            JobRuns runs,
            Ticker ticker,
            InstantSource clock) {
        this.clock = clock;
        this.maxEntryBytes = maxEntryBytes;
        this.memoryMaxBytes = memoryMaxBytes;
        this.memory = Caffeine.newBuilder()
                .maximumWeight(memoryMaxBytes)
                .weigher((String k, CachedAnswer a) -> (int) Math.min(Integer.MAX_VALUE, a.sizeBytes() + k.length()))
                .expireAfter(new Expiry<String, CachedAnswer>() {
                    @Override
                    public long expireAfterCreate(String k, CachedAnswer a, long now) {
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, a.expiresAt() - clock.millis()));
                    }

                    @Override
                    public long expireAfterUpdate(String k, CachedAnswer a, long now, long current) {
                        return expireAfterCreate(k, a, now);
                    }

                    @Override
                    public long expireAfterRead(String k, CachedAnswer a, long now, long current) {
                        return current;
                    }
                })
                .removalListener(
                        (@Nullable String k,
                                @Nullable CachedAnswer a,
                                com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                            if (cause.wasEvicted()) {
                                evictions.incrementAndGet();
                            }
                        })
                .executor(Runnable::run)
                .ticker(ticker)
                .build();
        this.sql = sqlDb.map(db -> new SqlTier(db, sqlMaxBytes));
        this.redis = redisUrl.map(url -> new RedisTier(url, redisPrefix));
        this.pruner = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon(true).name("sluice-cache-prune").unstarted(r));
        sql.ifPresent(tier -> {
            // prune catches its own failures and close() ends it with the executor: nothing to wait for
            Future<?> unused = pruner.scheduleWithFixedDelay(
                    () -> prune(tier, runs), pruneEvery.toMillis(), pruneEvery.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Optional<CachedAnswer> get(String key) {
        long now = clock.millis();
        CachedAnswer a = memory.getIfPresent(key);
        if (a != null && a.expiresAt() > now) {
            memoryHits.incrementAndGet();
            return hit(a);
        }
        Optional<byte[]> found = redis.flatMap(r -> r.get(key));
        if (found.isPresent()) {
            redisHits.incrementAndGet();
        } else if (sql.isPresent()) {
            try {
                found = sql.get().get(key, now);
                found.ifPresent(b -> sqlHits.incrementAndGet());
            } catch (SQLException e) {
                tierErrors.incrementAndGet();
            }
        }
        if (found.isPresent()) {
            try {
                CachedAnswer loaded = CachedAnswer.fromBytes(found.get(), maxEntryBytes * 2);
                if (loaded.expiresAt() > now) {
                    memory.put(key, loaded);
                    return hit(loaded);
                }
            } catch (IOException corrupt) {
                tierErrors.incrementAndGet();
            }
        }
        misses.incrementAndGet();
        return Optional.empty();
    }

    private Optional<CachedAnswer> hit(CachedAnswer a) {
        hits.incrementAndGet();
        return Optional.of(a);
    }

    /** Stores a complete answer in every tier, unless it is larger than the per-entry bound. */
    @Override
    public void put(String key, String tenant, CachedAnswer a) {
        if (a.sizeBytes() > maxEntryBytes) {
            return;
        }
        memory.put(key, a);
        if (sql.isEmpty() && redis.isEmpty()) {
            return;
        }
        byte[] body = a.toBytes();
        redis.ifPresent(r -> r.put(key, body, a.expiresAt() - a.storedAt()));
        sql.ifPresent(tier -> {
            try {
                tier.put(key, tenant, a, body);
            } catch (SQLException e) {
                tierErrors.incrementAndGet();
            }
        });
    }

    private void prune(SqlTier tier, JobRuns runs) {
        long start = clock.millis();
        try {
            long deleted = tier.prune(start);
            runs.record(new JobRuns.Run("cache-prune", start, clock.millis(), deleted, ""));
        } catch (SQLException | RuntimeException e) {
            runs.record(new JobRuns.Run("cache-prune", start, clock.millis(), 0, String.valueOf(e.getMessage())));
        }
    }

    /** Rows in the SQL tier (tests, stats); -1 without one or when it cannot be read. */
    public long sqlRows() {
        try {
            return sql.isPresent() ? sql.get().rows() : -1;
        } catch (SQLException e) {
            return -1;
        }
    }

    @Override
    public Stats stats() {
        memory.cleanUp();
        long bytes =
                memory.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
        return new Stats(
                hits.get(),
                misses.get(),
                memoryHits.get(),
                redisHits.get(),
                sqlHits.get(),
                evictions.get(),
                bytes,
                memoryMaxBytes,
                memory.estimatedSize(),
                tierErrors.get() + redis.map(r -> r.errors.get()).orElse(0L));
    }

    @Override
    public String leakSourceName() {
        return "response cache";
    }

    @Override
    public List<String> leaks() {
        return List.of();
    }

    @Override
    public void close() {
        pruner.shutdownNow();
        try {
            pruner.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        redis.ifPresent(RedisTier::close);
        memory.invalidateAll();
    }
}
