package dev.sluice.gateway.cache;

import java.util.Optional;

/**
 * The exact-match response cache as the request path and the system API see it: {@link TieredResponseCache}
 * when cache.enabled, otherwise {@link #disabled()}, which never hits, stores nothing and reports zero
 * counters. Callers do not test for the cache's presence; where an output depends on whether caching is
 * on (the {@code cache} block of {@code /system/stats}, the cache meters) they ask {@link #enabled()}.
 */
public interface ResponseCache {

    /** Counters for {@code /system/stats}. */
    record Stats(
            long hits,
            long misses,
            long memoryHits,
            long redisHits,
            long sqlHits,
            long evictions,
            long memoryBytes,
            long memoryMaxBytes,
            long entries,
            long tierErrors) {}

    /** The cache when cache.enabled is false: never hits, keeps nothing, counts nothing. */
    static ResponseCache disabled() {
        return DisabledResponseCache.INSTANCE;
    }

    /** False only for {@link #disabled()}. */
    boolean enabled();

    /** A stored, unexpired answer for the key. */
    Optional<CachedAnswer> get(String key);

    /** Stores a complete answer (unless it is larger than the per-entry bound). */
    void put(String key, String tenant, CachedAnswer a);

    Stats stats();
}
