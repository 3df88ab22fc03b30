package dev.sluice.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.cache.CacheDirective;
import dev.sluice.gateway.cache.CacheKeys;
import dev.sluice.gateway.cache.CachedAnswer;
import dev.sluice.gateway.cache.ResponseCache;
import dev.sluice.gateway.cache.StreamCapture;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.Timing;
import dev.sluice.gateway.proxy.Exchange;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The response cache's part in one request: whether to look up and whether to store (cache.enabled,
 * a deterministic request or cache.non-deterministic, the client's cache-control), the key (tenant,
 * dialect, shape, canonical request), the {@code x-sluice-cache} header (hit, miss, bypass), replay of
 * a hit (as a stream when the request streams) and capture of a completed answer.
 */
final class CacheUse {

    /** No caching for this request: the disabled cache, never looked up or stored to, and no header. */
    private static final CacheUse OFF =
            new CacheUse(ResponseCache.disabled(), "", CacheDirective.NO_STORE, 0, 0, Timing.system());

    private final ResponseCache cache;
    private final String key;
    private final CacheDirective directive;
    private final long maxEntryBytes;
    private final long ttlMillis;
    private final Timing timing;

    private CacheUse(
            ResponseCache cache,
            String key,
            CacheDirective directive,
            long maxEntryBytes,
            long ttlMillis,
            Timing timing) {
        this.cache = cache;
        this.key = key;
        this.directive = directive;
        this.maxEntryBytes = maxEntryBytes;
        this.ttlMillis = ttlMillis;
        this.timing = timing;
    }

    /** @param deterministic whether the answer depends on the request alone (embeddings), whatever its fields */
    static CacheUse of(GatewayContext ctx, ServerRequest req, Exchange x, JsonNode json, boolean deterministic) {
        ResponseCache cache = ctx.state().cache();
        var cfg = ctx.config().cache();
        if (!cache.enabled()
                || x.authenticated().passThroughKey().isPresent()
                || !CacheKeys.cacheable(json, cfg.nonDeterministic() || deterministic)) {
            return OFF;
        }
        CacheDirective d =
                CacheDirective.of(req.headers().first(HeaderNames.CACHE_CONTROL).orElse(null));
        String shape = deterministic ? "embeddings" : x.client().name().toLowerCase(Locale.ROOT);
        String key = CacheKeys.key(x.authenticated().tenant(), shape, x.stream(), json);
        return new CacheUse(cache, key, d, cfg.maxEntryBytes(), cfg.ttl().toMillis(), ctx.timing());
    }

    /** No caching: for a request whose answer must be new each time (a Responses answer that is stored). */
    static CacheUse off() {
        return OFF;
    }

    /** Whether this request uses the cache at all (and so gets an {@code x-sluice-cache} header). */
    boolean active() {
        return cache.enabled();
    }

    /** A stored answer, unless the client said no-cache / no-store (OFF is no-store). */
    Optional<CachedAnswer> lookup() {
        return directive != CacheDirective.NORMAL ? Optional.empty() : cache.get(key);
    }

    /** Marks a miss (or a bypass) on the response; call before the answer's first byte. */
    void markMiss(ServerResponse res) {
        if (active()) {
            res.header("x-sluice-cache", directive == CacheDirective.NORMAL ? "miss" : "bypass");
        }
    }

    /** A capture for a streamed answer, or null when it will not be stored. */
    @Nullable
    StreamCapture capture() {
        return directive == CacheDirective.NO_STORE ? null : new StreamCapture(maxEntryBytes);
    }

    void storeWhole(String tenant, byte[] body) {
        if (directive != CacheDirective.NO_STORE) {
            long now = timing.nowMillis();
            cache.put(key, tenant, new CachedAnswer("application/json", List.of(body), now, now + ttlMillis));
        }
    }

    void storeStream(String tenant, @Nullable StreamCapture capture, boolean complete) {
        if (capture != null) {
            capture.completed(complete, "text/event-stream; charset=utf-8", timing.nowMillis(), ttlMillis)
                    .ifPresent(a -> cache.put(key, tenant, a));
        }
    }

    /** Replays a stored answer; streamed answers frame by frame with a flush each, as they were sent. */
    static void replay(CachedAnswer a, ServerResponse res) throws IOException {
        res.header("x-sluice-cache", "hit");
        res.header("content-type", a.contentType());
        res.status(200);
        if (a.frames().size() == 1 && !a.contentType().startsWith("text/event-stream")) {
            res.send(a.frames().get(0));
            return;
        }
        res.header("cache-control", "no-cache");
        try (OutputStream out = res.outputStream()) {
            for (byte[] f : a.frames()) {
                out.write(f);
                out.flush();
            }
        }
    }
}
