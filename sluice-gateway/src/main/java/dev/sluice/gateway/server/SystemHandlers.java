package dev.sluice.gateway.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.LimiterStats;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/** {@code /health/live}, {@code /health/ready} and {@code /system/stats}: never shed, never auth'd. */
final class SystemHandlers {

    private final GatewayContext ctx;

    SystemHandlers(GatewayContext ctx) {
        this.ctx = ctx;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/health/live", (req, res) -> json(res, 200, "{\"status\":\"UP\"}"));
        routing.get("/health/ready", (req, res) -> {
            boolean ready = ctx.drain().ready();
            json(res, ready ? 200 : 503, "{\"status\":\"" + (ready ? "UP" : "DOWN")
                    + "\",\"phase\":\"" + ctx.drain().phase() + "\"}");
        });
        routing.get("/system/stats", (req, res) -> json(res, 200, stats().toString()));
    }

    ObjectNode stats() {
        LimiterStats s = ctx.limiter().stats();
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("inFlight", s.inFlight());
        root.put("liveScopes", ctx.scopes().liveScopes());
        root.put("phase", ctx.drain().phase().name());
        root.put("uptimeSeconds", (System.currentTimeMillis() - ctx.startedAtMillis()) / 1000);
        ObjectNode admission = root.putObject("admission");
        admission.put("inFlight", s.inFlight());
        admission.put("limit", s.limit());
        admission.put("admitted", s.admitted());
        admission.put("rejected", s.rejected());
        admission.put("succeeded", s.succeeded());
        admission.put("failed", s.failed());
        admission.put("cancelled", s.cancelled());
        ObjectNode upstream = root.putObject("upstream");
        upstream.put("url", ctx.upstream().baseUrl().toString());
        upstream.put("maxConnections", ctx.upstream().maxConnections());
        upstream.put("maxQueuedRequests", ctx.upstream().maxQueued());
        return root;
    }

    private static void json(ServerResponse res, int status, String body) {
        res.status(status);
        res.header("content-type", "application/json");
        res.header("cache-control", "no-store");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}
