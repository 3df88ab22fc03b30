package dev.sluice.gateway.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.config.Secret;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

/** The checks a request passes before it reaches an upstream, each failing with a clear 4xx. */
final class RequestChecks {

    private RequestChecks() {
    }

    static void contentLength(ServerRequest req, long max) throws GatewayException {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > max) {
            throw tooLarge(declared.getAsLong(), max);
        }
    }

    static byte[] readBody(ServerRequest req, long max) throws GatewayException {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, max + 1);
            byte[] body = in.readNBytes(cap);
            if (body.length > max) {
                throw tooLarge(body.length, max);
            }
            return body;
        } catch (IOException e) {
            throw new GatewayException(400, "could not read the request body: " + e.getMessage());
        }
    }

    /** Parses a JSON object body (admin API), 400 otherwise. */
    static JsonNode parseObject(byte[] body) throws GatewayException {
        JsonNode json = JsonBodies.read(body);
        if (json == null || !json.isObject()) {
            throw new GatewayException(400, "request body must be a JSON object");
        }
        return json;
    }

    /** Parses the body and checks the fields the route needs, naming the first one missing. */
    static JsonNode parse(byte[] body, ProxyHandler.Route route) throws GatewayException {
        JsonNode json = JsonBodies.read(body);
        if (json == null || !json.isObject()) {
            throw new GatewayException(400, "request body must be a JSON object");
        }
        require(json, "model", JsonNode::isTextual, "a string");
        require(json, "messages", JsonNode::isArray, "an array");
        if (route == ProxyHandler.Route.MESSAGES) {
            require(json, "max_tokens", FieldRules::positiveInteger, FieldRules.POSITIVE_INTEGER);
        }
        if (json.has("stream") && !json.get("stream").isBoolean()) {
            throw new GatewayException(400, "stream: must be a boolean");
        }
        FieldRules.check(json, route);
        return json;
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

    private static GatewayException tooLarge(long size, long max) {
        return new GatewayException(413, "request_too_large",
                "request body is " + size + " bytes, larger than the limit of " + max + " bytes", null);
    }
}
