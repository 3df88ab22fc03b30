package dev.sluice.gateway.system;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.route.health.RetryStats;

/** The {@code upstreams} and {@code routing} sections of {@code /system/stats}. */
final class RoutingStats {

    private RoutingStats() {}

    static void write(GatewayContext ctx, ObjectNode root) {
        ArrayNode upstreams = root.putArray("upstreams");
        for (ProviderEndpoint p : ctx.providers().values()) {
            ObjectNode u = upstreams.addObject();
            u.put("name", p.name());
            u.put("kind", p.kind().id());
            u.put("url", p.client().baseUrl().toString());
            u.put("maxConnections", p.client().maxConnections());
            u.put("maxQueuedRequests", p.client().maxQueued());
            var pool = p.client().poolCounts();
            u.put("activeConnections", pool.active())
                    .put("idleConnections", pool.idle())
                    .put("queuedRequests", pool.queued());
        }
        ObjectNode routing = root.putObject("routing");
        ObjectNode targets = routing.putObject("targets");
        ctx.router().stats().forEach((id, t) -> {
            ObjectNode n = targets.putObject(id);
            n.put("breaker", t.breakerState());
            n.put("failureRatePercent", t.failureRate());
            n.put("inFlight", t.inFlight());
            n.put("attempts", t.attempts());
            n.put("failures", t.failures());
            n.put("retries", t.retries());
            n.put("fallbacks", t.fallbacks());
            n.put("rateLimited", t.rateLimited());
            n.put("probes", t.probes());
        });
        RetryStats r = ctx.router().retryStats();
        ObjectNode budget = routing.putObject("retryBudget");
        budget.put("inbound", r.inbound());
        budget.put("retriesGranted", r.retriesGranted());
        budget.put("retriesDenied", r.retriesDenied());
        budget.put("windowInbound", r.windowInbound());
        budget.put("windowRetries", r.windowRetries());
    }
}
