package dev.sluice.gateway.proxy;

import dev.sluice.core.ResourceScope;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** What each step of a {@link Generation} works on: the gateway, the route, the exchange, the request scope and its record. */
record ProxyRequest(GatewayContext ctx, ProxyHandler.Route route, ServerRequest req, ServerResponse res,
                    ResourceScope scope, RequestInfo info) {

    /** Whether this is an embeddings request (routed like a generation, answered whole, never streamed). */
    boolean embeddings() {
        return route == ProxyHandler.Route.EMBEDDINGS;
    }
}
