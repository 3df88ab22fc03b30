package dev.sluice.gateway.proxy;

import dev.sluice.core.ResourceScope;
import dev.sluice.gateway.context.GatewayContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * What each step of a request's work takes: the gateway, the HTTP exchange, the request scope, the request as
 * taken ({@link Exchange}, immutable) and what is happening to it ({@link Tally}).
 */
public record ProxyRequest(
        GatewayContext ctx, ServerRequest req, ServerResponse res, ResourceScope scope, Exchange x, Tally tally) {

    public boolean embeddings() {
        return x.embeddings();
    }
}
