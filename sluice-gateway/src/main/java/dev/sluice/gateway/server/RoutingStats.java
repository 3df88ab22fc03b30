package dev.sluice.gateway.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.provider.ProviderEndpoint;

/** The {@code upstreams} and {@code routing} sections of {@code /system/stats}. */
final class RoutingStats {

    private RoutingStats() {
    }

    static void write(GatewayContext ctx, ObjectNode root) {
        ArrayNode upstreams = root.putArray("upstreams");
        for (ProviderEndpoint p : ctx.providers().values()) {
            ObjectNode u = upstreams.addObject();
            u.put("name", p.name());
            u.put("kind", p.kind().id());
            u.put("url", p.client().baseUrl().toString());
            u.put("maxConnections", p.client().maxConnections());
            u.put("maxQueuedRequests", p.client().maxQueued());
        }
    }
}
