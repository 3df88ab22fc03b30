package dev.sluice.gateway.cache;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The client's {@code cache-control}: {@code no-store} (neither read nor write), {@code no-cache} (write, don't read). */
public enum CacheDirective {
    NORMAL,
    NO_CACHE,
    NO_STORE;

    public static CacheDirective of(@Nullable String cacheControl) {
        String v = cacheControl == null ? "" : cacheControl.toLowerCase(Locale.ROOT);
        if (v.contains("no-store")) {
            return NO_STORE;
        }
        return v.contains("no-cache") ? NO_CACHE : NORMAL;
    }
}
