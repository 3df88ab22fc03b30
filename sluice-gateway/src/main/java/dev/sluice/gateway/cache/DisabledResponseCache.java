package dev.sluice.gateway.cache;

import java.util.Optional;

/** {@link ResponseCache#disabled()}: the response cache when cache.enabled is false. */
final class DisabledResponseCache implements ResponseCache {

    static final DisabledResponseCache INSTANCE = new DisabledResponseCache();
    private static final Stats ZERO = new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private DisabledResponseCache() {}

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public Optional<CachedAnswer> get(String key) {
        return Optional.empty();
    }

    @Override
    public void put(String key, String tenant, CachedAnswer a) {}

    @Override
    public Stats stats() {
        return ZERO;
    }

    @Override
    public String toString() {
        return "ResponseCache.disabled()";
    }
}
