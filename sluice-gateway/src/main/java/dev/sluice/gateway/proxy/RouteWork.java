package dev.sluice.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import org.jspecify.annotations.Nullable;

/**
 * What the routes do once {@link ProxyHandler} has taken a request (id, size, auth, body): the edge knows
 * the routes only through this, so the rooms that do the work (ingress, and the relay under it) depend on
 * the edge and never the other way round. The composition root hands one to {@link ProxyHandler#register}.
 */
public interface RouteWork {

    /**
     * Parses the body of a route that takes one and checks it, before admission (a bad request never
     * holds a permit), each failure a clear 4xx.
     */
    JsonNode check(Route route, byte[] body, GatewayContext ctx) throws GatewayException;

    /** The route's work on an admitted request; {@code json} is what {@link #check} gave, null for a bodiless route. */
    Outcome run(Route route, ProxyRequest r, byte[] body, @Nullable JsonNode json)
            throws GatewayException, InterruptedException;
}
