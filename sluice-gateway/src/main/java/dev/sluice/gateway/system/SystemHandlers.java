package dev.sluice.gateway.system;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.LimiterStats;
import dev.sluice.core.MemoryReport;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.realtime.Sessions;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** {@code /health/live}, {@code /health/ready} and {@code /system/stats}: never shed, never auth'd. */
final class SystemHandlers {

    private final GatewayContext ctx;
    private final Sessions realtime;

    SystemHandlers(GatewayContext ctx, Sessions realtime) {
        this.ctx = ctx;
        this.realtime = realtime;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/health/live", (req, res) -> json(res, 200, "{\"status\":\"UP\"}"));
        routing.get("/health/ready", (req, res) -> {
            boolean ready = ctx.drain().ready();
            json(
                    res,
                    ready ? 200 : 503,
                    "{\"status\":\"" + (ready ? "UP" : "DOWN") + "\",\"phase\":\""
                            + ctx.drain().phase() + "\"}");
        });
        routing.get("/system/stats", (req, res) -> json(res, 200, stats().toString()));
        routing.get("/metrics", (req, res) -> {
            res.header("content-type", "text/plain; version=0.0.4; charset=utf-8");
            res.header("cache-control", "no-store");
            res.send(ctx.state().metrics().scrape());
        });
    }

    ObjectNode stats() {
        LimiterStats s = ctx.limiter().stats();
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("inFlight", s.inFlight());
        root.put("liveScopes", ctx.scopes().liveScopes());
        root.put("phase", ctx.drain().phase().name());
        root.put("version", dev.sluice.gateway.cli.Version.current());
        root.put("uptimeSeconds", (ctx.timing().nowMillis() - ctx.startedAtMillis()) / 1000);
        ObjectNode admission = root.putObject("admission");
        admission.put("inFlight", s.inFlight());
        admission.put("limit", s.limit());
        admission.put("admitted", s.admitted());
        admission.put("rejected", s.rejected());
        admission.put("succeeded", s.succeeded());
        admission.put("failed", s.failed());
        admission.put("cancelled", s.cancelled());
        admission.put("dropped", s.dropped());
        admission.put("queued", s.queued());
        ObjectNode shed = admission.putObject("shed");
        s.shed().forEach((reason, n) -> shed.put(reason.name().toLowerCase(java.util.Locale.ROOT), n));
        root.set("realtime", Json.MAPPER.valueToTree(realtime.stats()));
        MemoryReport m = ctx.memory().report();
        ObjectNode memory = root.putObject("memory");
        memory.put("state", m.state().name());
        memory.put("underPressure", ctx.memory().underPressure());
        memory.put("floorBytes", m.floorBytes());
        memory.put("maxBytes", m.maxBytes());
        memory.put("floorFraction", m.floorFraction());
        memory.put("slopeBytesPerMinute", m.slopeBytesPerMinute());
        memory.put("slopeBytesPerRequest", m.slopeBytesPerRequest());
        memory.put("leakSuspected", m.leakSuspected());
        memory.put("samples", m.samples());
        memory.put("gcCount", m.gcCount());
        ObjectNode edge = root.putObject("edge");
        edge.put("maxConnections", ctx.edge().bound())
                .put("watched", ctx.edge().size())
                .put("listenerRestarts", ctx.edge().listenerRestarts());
        ObjectNode cuts = edge.putObject("cut");
        for (var why : dev.sluice.gateway.edge.ConnectionWatch.Cut.values()) {
            cuts.put(why.name().toLowerCase(java.util.Locale.ROOT), ctx.edge().cuts(why));
        }
        RoutingStats.write(ctx, root);
        var metrics = ctx.state().metrics();
        root.putObject("requests")
                .put("total", metrics.requests())
                .put("errors", metrics.errors())
                .put("latencyP50Ms", metrics.latencyMillis(0.5))
                .put("latencyP99Ms", metrics.latencyMillis(0.99))
                .put("ttftP50Ms", metrics.ttftMillis(0.5))
                .put("ttftP99Ms", metrics.ttftMillis(0.99));
        ctx.state().usage().ifPresent(u -> {
            var st = u.stats();
            root.putObject("usage")
                    .put("recorded", st.recorded())
                    .put("written", st.written())
                    .put("dropped", st.dropped())
                    .put("queued", st.queued())
                    .put("capacity", st.capacity())
                    .put("writeFailures", st.writeFailures())
                    .put("lastError", st.lastError())
                    .put("lastFlushAtMillis", st.lastFlushAtMillis());
        });
        var log = ctx.state().accessLog().stats();
        root.putObject("accessLog")
                .put("offered", log.offered())
                .put("written", log.written())
                .put("dropped", log.dropped())
                .put("queued", log.queued())
                .put("capacity", log.capacity());
        var cache = ctx.state().cache();
        if (cache.enabled()) { // the block is left out when caching is off
            var c = cache.stats();
            root.putObject("cache")
                    .put("hits", c.hits())
                    .put("misses", c.misses())
                    .put("memoryHits", c.memoryHits())
                    .put("redisHits", c.redisHits())
                    .put("sqlHits", c.sqlHits())
                    .put("evictions", c.evictions())
                    .put("memoryBytes", c.memoryBytes())
                    .put("memoryMaxBytes", c.memoryMaxBytes())
                    .put("entries", c.entries())
                    .put("tierErrors", c.tierErrors());
        }
        var tracing = ctx.tracing();
        root.putObject("tracing")
                .put("enabled", tracing.on())
                .put("queued", tracing.queuedSpans())
                .put("exported", tracing.exportedSpans())
                .put("exportFailed", tracing.failedSpans())
                .put("dropped", tracing.droppedSpans());
        var jobs = root.putArray("jobRuns");
        ctx.state()
                .jobRuns()
                .recent()
                .forEach(r -> jobs.addObject()
                        .put("job", r.job())
                        .put("startedAt", r.startedAt())
                        .put("endedAt", r.endedAt())
                        .put("rowsDeleted", r.rowsDeleted())
                        .put("error", r.error()));
        var store = root.putObject("store");
        store.put("kind", ctx.state().store().kind().name().toLowerCase(Locale.ROOT));
        store.put("activeConnections", ctx.state().store().activeConnections());
        store.put("pendingThreads", ctx.state().store().pendingThreads());
        store.put("maxPoolSize", ctx.state().store().maxPoolSize());
        return root;
    }

    private static void json(ServerResponse res, int status, String body) {
        res.status(status);
        res.header("content-type", "application/json");
        res.header("cache-control", "no-store");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}
