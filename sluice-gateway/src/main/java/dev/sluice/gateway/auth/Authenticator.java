package dev.sluice.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks stored keys through a bounded cache (max size; a found key is trusted for the TTL, an unknown
 * one for a tenth of it, so a flood of bad keys does not reach the database). A revocation through this
 * instance clears the cache at once; other instances see it within the TTL. When the store is down,
 * cached keys still pass and others fail closed (503). Client-key failures per address are limited by
 * this instance's own {@link FailureLimiter}; admin-key failures have a separate one (see
 * {@code GatewayState#adminFailures}), so neither kind of failure blocks the other kind of request.
 */
public final class Authenticator {

    /** The outcome for one presented key. */
    public sealed interface Result permits Allowed, Unknown, Denied {}

    /** A valid, unrevoked stored key. */
    public record Allowed(ApiKey key) implements Result {}

    /** Not a stored key (the caller may still accept it as a static key or in open mode). */
    public record Unknown(boolean revoked) implements Result {}

    /** Refused before or instead of a lookup: too many failures (429), or the store is unreachable (503). */
    public record Denied(int status, String type, String message, Optional<Duration> retryAfter) implements Result {}

    private final KeyStore store;
    private final Cache<String, Optional<ApiKey>> cache;
    private final FailureLimiter failures;

    public Authenticator(KeyStore store, int cacheSize, Duration ttl, FailureLimiter failures, Ticker ticker) {
        this.store = store;
        this.failures = failures;
        long positive = ttl.toNanos();
        long negative = Math.max(1, positive / 10);
        this.cache = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .ticker(ticker)
                .expireAfter(new Expiry<String, Optional<ApiKey>>() {
                    @Override
                    public long expireAfterCreate(String k, Optional<ApiKey> v, long now) {
                        return v.isPresent() ? positive : negative;
                    }

                    @Override
                    public long expireAfterUpdate(String k, Optional<ApiKey> v, long now, long current) {
                        return expireAfterCreate(k, v, now);
                    }

                    @Override
                    public long expireAfterRead(String k, Optional<ApiKey> v, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    /** Checks a presented key from {@code address}; records a failure for unknown and revoked keys. */
    public Result authenticate(String presented, String address) {
        Optional<Duration> blocked = failures.blockedFor(address);
        if (blocked.isPresent()) {
            return new Denied(429, "rate_limit_error", "too many failed authentications from this address", blocked);
        }
        Result r = find(presented);
        if (r instanceof Unknown) {
            failures.fail(address);
        }
        return r;
    }

    /**
     * Looks a presented key up without counting failures or consulting the failure limiter (open mode,
     * where an unknown key is not a failed authentication).
     */
    public Result find(String presented) {
        String hash = KeyStore.hash(presented);
        Optional<ApiKey> found = cache.getIfPresent(hash);
        if (found == null) {
            try {
                found = store.find(presented);
            } catch (SQLException | RuntimeException e) {
                return new Denied(503, "api_error", "key store unavailable", Optional.of(Duration.ofSeconds(1)));
            }
            cache.put(hash, found);
        }
        if (found.isPresent() && !found.get().revoked()) {
            return new Allowed(found.get());
        }
        return new Unknown(found.isPresent());
    }

    /** Records a failed authentication that did not go through {@link #authenticate} (e.g. a bad static key). */
    public void fail(String address) {
        failures.fail(address);
    }

    /** How long {@code address} is still refused, if it is. */
    public Optional<Duration> blockedFor(String address) {
        return failures.blockedFor(address);
    }

    /** Forget every cached key (after a revocation through this instance). */
    public void invalidateAll() {
        cache.invalidateAll();
    }

    public long cachedKeys() {
        return cache.estimatedSize();
    }

    public KeyStore store() {
        return store;
    }
}
