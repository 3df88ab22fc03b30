package dev.sluice.gateway.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.RequestChecks;
import dev.sluice.gateway.proxy.Route;
import dev.sluice.gateway.relay.RequestLimits;

/**
 * The checks a route's body passes before admission: one JSON object with the fields the route needs
 * ({@link FieldRules}, {@link EmbeddingsChecks}), and for a generation the shape limits ({@link RequestLimits}).
 */
final class RouteChecks {

    private RouteChecks() {}

    /** The parsed body of {@code route}, checked; a generation's also within {@code limits}. */
    static JsonNode check(Route route, byte[] body, SluiceConfig.Request limits) throws GatewayException {
        JsonNode json = parse(body, route);
        if (route.generates()) {
            RequestLimits.check(messagesView(json, route), limits);
        }
        return json;
    }

    /** Parses the body and checks the fields the route needs, naming the first one missing. */
    static JsonNode parse(byte[] body, Route route) throws GatewayException {
        JsonNode json = RequestChecks.parseObject(body);
        require(json, "model", JsonNode::isTextual, "a string");
        if (route == Route.EMBEDDINGS) {
            EmbeddingsChecks.check(json);
            return json;
        }
        if (route == Route.RESPONSES) {
            require(json, "input", v -> v.isTextual() || v.isArray(), "a string or an array of items");
        } else {
            require(json, "messages", JsonNode::isArray, "an array");
        }
        if (route == Route.MESSAGES) {
            require(json, "max_tokens", FieldRules::positiveInteger, FieldRules.POSITIVE_INTEGER);
        }
        if (json.has("stream") && !json.get("stream").isBoolean()) {
            throw new GatewayException(400, "stream: must be a boolean");
        }
        FieldRules.check(json, route);
        return json;
    }

    /**
     * The request as messages, for the shape limits: a Responses request as the Chat Completions request it
     * becomes (so its items are counted as messages, and a request no translation can take is refused here,
     * before admission), any other as it is.
     */
    static JsonNode messagesView(JsonNode json, Route route) throws GatewayException {
        if (route != Route.RESPONSES) {
            return json;
        }
        return RequestLimits.responsesView(json);
    }

    private static void require(JsonNode json, String field, java.util.function.Predicate<JsonNode> ok, String what)
            throws GatewayException {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            throw new GatewayException(400, field + ": field required");
        }
        if (!ok.test(v)) {
            throw new GatewayException(400, field + ": must be " + what);
        }
    }
}
