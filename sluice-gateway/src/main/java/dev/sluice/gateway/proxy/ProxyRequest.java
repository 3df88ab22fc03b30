package dev.sluice.gateway.proxy;

import dev.sluice.core.ResourceScope;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** What each step of a {@link Generation} works on: the gateway, the exchange, the request scope and its record. */
record ProxyRequest(GatewayContext ctx, ServerRequest req, ServerResponse res, ResourceScope scope, RequestInfo info) {
}
