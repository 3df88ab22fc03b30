package dev.sluice.gateway.system;

import dev.sluice.core.ShedReason;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.metrics.GatewayMetrics;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.route.health.TargetStats;
import io.micrometer.core.instrument.Tags;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Registers the gauges and counters read from Sluice's own state on each scrape; every tag set is bounded. */
public final class MetricsBinder {

    private MetricsBinder() {}

    public static void bind(GatewayContext ctx) {
        GatewayMetrics m = ctx.state().metrics();
        m.gauge(
                "sluice.admission.in.flight",
                "requests holding a permit",
                () -> ctx.limiter().stats().inFlight());
        m.gauge(
                "sluice.admission.limit",
                "the current concurrency limit",
                () -> ctx.limiter().stats().limit());
        m.gauge(
                "sluice.admission.queued",
                "requests waiting for a permit",
                () -> ctx.limiter().stats().queued());
        for (ShedReason r : ShedReason.values()) {
            m.counter(
                    "sluice.admission.shed",
                    "requests shed by admission",
                    Tags.of("reason", r.name().toLowerCase(Locale.ROOT)),
                    ctx.limiter(),
                    l -> l.stats().shed().getOrDefault(r, 0L));
        }
        m.gauge(
                "sluice.memory.floor.bytes",
                "old generation used after the last GC",
                () -> ctx.memory().report().floorBytes());
        m.gauge(
                "sluice.memory.floor.ratio",
                "post-GC floor as a share of the old generation's max",
                () -> ctx.memory().report().floorFraction());
        m.gauge(
                "sluice.memory.shedding",
                "1 while memory pressure sheds requests",
                () -> ctx.memory().underPressure() ? 1 : 0);
        m.counter(
                "sluice.tracing.spans.dropped",
                "spans dropped because the trace export queue was full",
                Tags.empty(),
                ctx.tracing(),
                t -> t.droppedSpans());
        for (ProviderEndpoint p : ctx.providers().values()) {
            m.gauge(
                    "sluice.upstream.pool.max.connections",
                    "connection pool bound",
                    Tags.of("provider", p.name()),
                    p,
                    e -> e.client().maxConnections());
            m.gauge(
                    "sluice.upstream.pool.active",
                    "pooled connections in use",
                    Tags.of("provider", p.name()),
                    p,
                    e -> e.client().poolCounts().active());
            m.gauge(
                    "sluice.upstream.pool.idle",
                    "pooled connections idle",
                    Tags.of("provider", p.name()),
                    p,
                    e -> e.client().poolCounts().idle());
            m.gauge(
                    "sluice.upstream.pool.pending",
                    "requests waiting for a pooled connection",
                    Tags.of("provider", p.name()),
                    p,
                    e -> e.client().poolCounts().queued());
        }
        for (var route : ctx.config().routing().routes().values()) {
            for (var t : route.targets()) {
                String id = t.provider() + "/" + t.model();
                Tags tags = Tags.of("target", id);
                m.gauge(
                        "sluice.upstream.breaker.open",
                        "1 while the target's circuit breaker is open (0.5 half-open)",
                        tags,
                        ctx.router(),
                        r -> breaker(r.stats().get(id)));
                m.counter(
                        "sluice.upstream.attempts",
                        "attempts sent to the target",
                        tags,
                        ctx.router(),
                        r -> r.stats().containsKey(id) ? r.stats().get(id).attempts() : 0);
                m.counter(
                        "sluice.upstream.failures",
                        "failed attempts",
                        tags,
                        ctx.router(),
                        r -> r.stats().containsKey(id) ? r.stats().get(id).failures() : 0);
                m.counter(
                        "sluice.upstream.fallbacks",
                        "attempts that fell back to this target",
                        tags,
                        ctx.router(),
                        r -> r.stats().containsKey(id) ? r.stats().get(id).fallbacks() : 0);
            }
        }
        m.counter(
                "sluice.retries",
                "retries and fallbacks granted by the retry budget",
                Tags.empty(),
                ctx.router(),
                r -> r.retryStats().retriesGranted());
        m.counter(
                "sluice.retries.denied",
                "retries refused by the retry budget",
                Tags.empty(),
                ctx.router(),
                r -> r.retryStats().retriesDenied());
        var edge = ctx.edge();
        m.gauge(
                "sluice.connections.watched",
                "client connections with a request under way (deadlines kept)",
                edge::size);
        m.counter(
                "sluice.listener.restarts",
                "times the listener stopped on its own and was started again",
                Tags.empty(),
                edge,
                w -> w.listenerRestarts());
        for (var why : dev.sluice.gateway.edge.ConnectionWatch.Cut.values()) {
            m.counter(
                    "sluice.connections.cut",
                    "client connections closed by a deadline of the edge",
                    Tags.of("reason", why.name().toLowerCase(Locale.ROOT)),
                    edge,
                    w -> w.cuts(why));
        }
        var store = ctx.state().store();
        m.gauge("sluice.store.connections.active", "database connections borrowed", () -> store.activeConnections());
        m.gauge("sluice.store.connections.pending", "callers waiting for a connection", () -> store.pendingThreads());
        m.gauge("sluice.store.connections.max", "database pool bound", () -> store.maxPoolSize());
        m.gauge("sluice.store.connections.idle", "database connections idle", () -> store.idleConnections());
        ctx.state().usage().ifPresent(u -> {
            m.gauge(
                    "sluice.usage.queue.depth",
                    "usage records waiting to be written",
                    () -> u.stats().queued());
            m.counter(
                    "sluice.usage.dropped",
                    "usage records dropped (queue full or database down)",
                    Tags.empty(),
                    u,
                    x -> x.stats().dropped());
            m.counter(
                    "sluice.usage.written",
                    "usage records written",
                    Tags.empty(),
                    u,
                    x -> x.stats().written());
        });
        m.counter(
                "sluice.access.log.dropped",
                "access log lines dropped (the writer's queue was full)",
                Tags.empty(),
                ctx.state().accessLog(),
                x -> x.stats().dropped());
        var c = ctx.state().cache();
        if (c.enabled()) { // no cache meters when caching is off
            m.counter(
                    "sluice.cache.hits",
                    "response cache hits",
                    Tags.empty(),
                    c,
                    x -> x.stats().hits());
            m.counter(
                    "sluice.cache.misses",
                    "response cache misses",
                    Tags.empty(),
                    c,
                    x -> x.stats().misses());
            m.counter(
                    "sluice.cache.evictions",
                    "memory tier evictions",
                    Tags.empty(),
                    c,
                    x -> x.stats().evictions());
            m.gauge(
                    "sluice.cache.memory.bytes",
                    "memory tier size",
                    () -> c.stats().memoryBytes());
        }
    }

    private static double breaker(@Nullable TargetStats s) {
        if (s == null) {
            return 0;
        }
        return switch (s.breakerState()) {
            case "OPEN", "FORCED_OPEN" -> 1;
            case "HALF_OPEN" -> 0.5;
            default -> 0;
        };
    }
}
