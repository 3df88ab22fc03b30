package dev.sluice.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.proxy.Exchange;
import dev.sluice.gateway.session.SessionStore;
import dev.sluice.gateway.session.StreamedMessage;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.TokenEstimator;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Server-side session history for one request, when sessions are enabled and the Anthropic client
 * asks for it ({@code x-sluice-session: keep} with {@code x-session-id} or {@code x-claude-code-session-id}):
 * the stored history (within the token budget) goes before the request's messages, and after a
 * complete answer the request's messages and the answer are appended. A store failure never fails the
 * request: the history is then left out (and not extended).
 */
final class SessionUse {

    private static final System.Logger LOG = System.getLogger("sluice.sessions");
    /** No session for this request: the disabled store; history, frames and answers are left alone. */
    private static final SessionUse NONE = new SessionUse(SessionStore.disabled(), "", "", MissingNode.getInstance());

    private final SessionStore store;
    private final String tenant;
    private final String sessionId;
    private final JsonNode newMessages;
    private final StreamedMessage streamed = new StreamedMessage(Json.MAPPER);

    private SessionUse(SessionStore store, String tenant, String sessionId, JsonNode newMessages) {
        this.store = store;
        this.tenant = tenant;
        this.sessionId = sessionId;
        this.newMessages = newMessages;
    }

    static SessionUse of(GatewayContext ctx, ServerRequest req, Exchange x, JsonNode json) {
        SessionStore store = ctx.state().sessions();
        boolean keep = req.headers()
                .first(HeaderNames.create("x-sluice-session"))
                .map("keep"::equalsIgnoreCase)
                .orElse(false);
        Optional<String> id = req.headers()
                .first(HeaderNames.create("x-session-id"))
                .or(() -> req.headers().first(HeaderNames.create("x-claude-code-session-id")))
                .filter(s -> !s.isBlank() && s.length() <= 256);
        if (!store.enabled() || !keep || id.isEmpty() || x.client() != Dialect.ANTHROPIC) {
            return NONE;
        }
        return new SessionUse(store, x.authenticated().tenant(), id.get(), json.path("messages"));
    }

    /** Whether this request keeps server-side history (false for NONE, whose store is the disabled one). */
    boolean active() {
        return store.enabled();
    }

    /** The request with the session's history before its own messages; call only when {@link #active()}. */
    ObjectNode withHistory(JsonNode json, int tokenBudget) {
        ObjectNode out = json.deepCopy();
        try {
            List<JsonNode> history = store.history(tenant, sessionId, tokenBudget);
            if (!history.isEmpty()) {
                ArrayNode messages = out.putArray("messages");
                history.forEach(messages::add);
                newMessages.forEach(messages::add);
            }
        } catch (SQLException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "session history unavailable, request sent without it: " + e.getMessage());
        }
        return out;
    }

    /** Receives the streamed answer's frames as written. */
    void frame(byte[] frame) {
        if (active()) { // NONE is shared by all requests: it collects nothing
            streamed.add(frame);
        }
    }

    /** Appends the request's messages and the answer (a whole Anthropic message body, or the streamed one). */
    void remember(byte @Nullable [] wholeAnswer) {
        if (!active()) {
            return;
        }
        try {
            JsonNode answer;
            if (wholeAnswer != null) {
                JsonNode a = Json.MAPPER.readTree(wholeAnswer);
                answer = Json.MAPPER.createObjectNode().put("role", "assistant").set("content", a.path("content"));
            } else {
                answer = streamed.message();
            }
            if (answer == null) {
                return;
            }
            List<SessionStore.Message> out = new ArrayList<>();
            newMessages.forEach(m -> out.add(new SessionStore.Message(m, tokens(m))));
            out.add(new SessionStore.Message(answer, tokens(answer)));
            store.append(tenant, sessionId, out);
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "session history not extended: " + e.getMessage());
        }
    }

    private static int tokens(JsonNode message) {
        ObjectNode wrapper = Json.MAPPER.createObjectNode();
        wrapper.putArray("messages").add(message);
        return TokenEstimator.estimate(wrapper);
    }
}
