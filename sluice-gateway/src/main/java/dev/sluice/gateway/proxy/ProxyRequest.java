package dev.sluice.gateway.proxy;

import dev.sluice.core.ResourceScope;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.trace.RequestSpan;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * What each step of a request's work takes: the gateway, the HTTP exchange, the request scope, the request as
 * taken ({@link Exchange}, immutable), what is happening to it ({@link Tally}) and its server span ({@code trace},
 * {@link RequestSpan#NONE} when tracing is off).
 */
public record ProxyRequest(
        GatewayContext ctx,
        ServerRequest req,
        ServerResponse res,
        ResourceScope scope,
        Exchange x,
        Tally tally,
        RequestSpan trace) {

    public boolean embeddings() {
        return x.embeddings();
    }
}
