package dev.sluice.gateway.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.proxy.ProxyHandler;
import dev.sluice.gateway.proxy.ProxyRequest;
import dev.sluice.gateway.proxy.Route;
import dev.sluice.gateway.proxy.RouteWork;
import dev.sluice.gateway.relay.Generation;
import io.helidon.webserver.http.HttpRouting;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client-facing routes' work, route by route, for the edge ({@link ProxyHandler}): the body checks
 * before admission ({@link RouteChecks}), then {@code /v1/messages}, {@code /v1/chat/completions},
 * {@code /v1/responses} and {@code /v1/embeddings} each run a {@link Generation} (the relay), and the
 * others are answered by their own small handler: {@link CountTokens}, {@link Models}, {@link StoredResponses}.
 */
public final class ClientRoutes implements RouteWork {

    private ClientRoutes() {}

    /** Registers the client-facing routes with the edge ({@link ProxyHandler}): after every other route. */
    public static void register(HttpRouting.Builder routing, GatewayContext ctx) {
        ProxyHandler.register(routing, ctx, new ClientRoutes());
    }

    @Override
    public JsonNode check(Route route, byte[] body, GatewayContext ctx) throws GatewayException {
        return RouteChecks.check(route, body, ctx.config().request());
    }

    /** The body {@link #check} parsed: every route that takes one has it. */
    private static JsonNode parsed(Route route, @Nullable JsonNode json) {
        return Objects.requireNonNull(json, () -> route + " takes a body");
    }

    @Override
    public Outcome run(Route route, ProxyRequest r, byte[] body, @Nullable JsonNode json)
            throws GatewayException, InterruptedException {
        return switch (route) {
            case MESSAGES, CHAT_COMPLETIONS, RESPONSES, EMBEDDINGS -> new Generation(r).run(body, parsed(route, json));
            case COUNT_TOKENS -> new CountTokens(r).run(body, parsed(route, json));
            case MODELS -> new Models(r).run();
            case STORED_RESPONSE, DELETE_RESPONSE -> new StoredResponses(r).run(route == Route.STORED_RESPONSE);
        };
    }
}
