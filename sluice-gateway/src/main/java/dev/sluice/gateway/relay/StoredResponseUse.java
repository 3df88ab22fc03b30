package dev.sluice.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.context.Sanitize;
import dev.sluice.gateway.proxy.Exchange;
import dev.sluice.gateway.responses.ResponseStore;
import dev.sluice.gateway.translate.Dialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A Responses request's part in the stored responses. Before the attempts: a {@code previous_response_id}
 * found in the store (for this tenant) puts that conversation — its input items, then its output — before
 * the request's own input; one not found is a 404 (unless a provider with native Responses is configured:
 * the id may be that provider's, and only it can take the request). After a whole answer that a translating
 * target gave, and when the request says {@code store} (default true) and responses.store is on: the answer
 * is kept with the conversation's input. Answers of native targets are the provider's to keep. A store
 * failure never fails the request: the answer is then not kept (and logged).
 */
final class StoredResponseUse {

    private static final System.Logger LOG = System.getLogger("sluice.responses");

    private final ResponseStore store;
    private final String tenant;
    private final boolean keep;
    private @Nullable ArrayNode input;
    private @Nullable String previous;
    private byte @Nullable [] lastFrame;

    private StoredResponseUse(ResponseStore store, String tenant, boolean keep) {
        this.store = store;
        this.tenant = tenant;
        this.keep = keep;
    }

    static StoredResponseUse of(GatewayContext ctx, Exchange x, JsonNode json) {
        ResponseStore store = ctx.state().responses();
        if (x.client() != Dialect.RESPONSES) {
            return new StoredResponseUse(ResponseStore.disabled(), "", false);
        }
        return new StoredResponseUse(
                store, x.authenticated().tenant(), json.path("store").asBoolean(true));
    }

    /** Whether this request's answer will be kept (a Responses request with {@code store}, the store on). */
    boolean keeps() {
        return keep && store.enabled();
    }

    /** The request with its previous response's conversation before its input; as it is when it names none. */
    JsonNode withPrevious(GatewayContext ctx, JsonNode json) throws GatewayException {
        input = items(json.path("input"));
        JsonNode previous = json.path("previous_response_id");
        if (!previous.isTextual()) {
            return json;
        }
        Optional<ResponseStore.Stored> stored;
        try {
            stored = store.get(tenant, previous.asText());
        } catch (SQLException e) {
            System.getLogger("sluice.responses").log(System.Logger.Level.WARNING, "stored responses unavailable", e);
            throw new GatewayException(
                    503,
                    "api_error",
                    "stored responses are unavailable: the state store did not" + " answer (request it again shortly)",
                    "1");
        }
        if (stored.isEmpty()) {
            if (ctx.providers().values().stream().anyMatch(p -> p.nativeResponses())) {
                return json; // perhaps the native provider's own id
            }
            throw new GatewayException(
                    404,
                    "not_found_error",
                    "previous response '" + Sanitize.token(previous.asText()) + "' not found"
                            + (store.enabled() ? "" : " (responses.store is off)"),
                    null);
        }
        ArrayNode all = Json.MAPPER.createArrayNode();
        try {
            all.addAll((ArrayNode) Json.MAPPER.readTree(stored.get().input()));
            all.addAll((ArrayNode) Json.MAPPER.readTree(stored.get().response()).path("output"));
        } catch (IOException | ClassCastException e) {
            throw new GatewayException(
                    500,
                    "api_error",
                    "stored response '" + Sanitize.token(previous.asText()) + "' cannot be read",
                    null);
        }
        all.addAll(input);
        input = all;
        ObjectNode out = json.deepCopy();
        out.remove("previous_response_id"); // resolved here: an upstream gets the whole conversation
        out.set("input", all);
        this.previous = previous.asText();
        return out;
    }

    /** The request as the response object echoes it: with the client's previous_response_id, once resolved. */
    JsonNode echoed(JsonNode request) {
        if (previous == null) {
            return request;
        }
        ObjectNode out = request.deepCopy();
        out.put("previous_response_id", previous);
        return out;
    }

    /** A request's input as items: a string is one user message. */
    private static ArrayNode items(JsonNode input) {
        if (input.isArray()) {
            return input.deepCopy();
        }
        ArrayNode items = Json.MAPPER.createArrayNode();
        ObjectNode message = items.addObject().put("type", "message").put("role", "user");
        message.putArray("content").addObject().put("type", "input_text").put("text", input.asText());
        return items;
    }

    /** One streamed frame as the client got it; the last one ends with the final response event. */
    void frame(byte[] frame) {
        lastFrame = frame;
    }

    /** After a complete answer: keeps it. {@code whole} is the whole answer's body, null for a stream. */
    void remember(Dialect upstream, byte @Nullable [] whole) {
        if (!keep || !store.enabled() || upstream == Dialect.RESPONSES || input == null) {
            return;
        }
        try {
            JsonNode response = whole != null ? Json.MAPPER.readTree(whole) : finalResponse();
            if (response == null || !response.path("id").isTextual()) {
                return;
            }
            if (!store.put(
                    tenant,
                    new ResponseStore.Stored(response.path("id").asText(), input.toString(), response.toString()))) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "response " + response.path("id").asText()
                                + " not stored: larger than a tenth of responses.max-size");
            }
        } catch (IOException | SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "response not stored: " + e.getMessage());
        }
    }

    /** The response of the completed stream's final event (response.completed or .incomplete), else null. */
    private @Nullable JsonNode finalResponse() throws IOException {
        if (lastFrame == null) {
            return null;
        }
        String text = new String(lastFrame, StandardCharsets.UTF_8);
        int at = Math.max(
                text.lastIndexOf("event: response.completed\n"), text.lastIndexOf("event: response.incomplete\n"));
        if (at < 0) {
            return null;
        }
        int start = text.indexOf("data: ", at) + "data: ".length();
        int end = text.indexOf("\n\n", start);
        return Json.MAPPER
                .readTree(text.substring(start, end < 0 ? text.length() : end))
                .path("response");
    }
}
