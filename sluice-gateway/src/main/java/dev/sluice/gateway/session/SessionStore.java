package dev.sluice.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.util.List;

/**
 * Server-side conversation history as the request path sees it: {@link SqlSessionStore} when
 * sessions.enabled, otherwise {@link #disabled()}, which has no history and keeps nothing. Callers do not
 * test for the store's presence; whether sessions are on at all is {@link #enabled()}.
 */
public interface SessionStore {

    /** One stored message with its token estimate. */
    record Message(JsonNode json, int tokens) {}

    /** The store when sessions.enabled is false: every session is empty and appends are dropped. */
    static SessionStore disabled() {
        return DisabledSessionStore.INSTANCE;
    }

    /** False only for {@link #disabled()}. */
    boolean enabled();

    /** The newest whole turns of the session within {@code tokenBudget}, oldest first. */
    List<JsonNode> history(String tenant, String sessionId, int tokenBudget) throws SQLException;

    /** Appends messages (with their token estimates) to the session, creating it if needed. */
    void append(String tenant, String sessionId, List<Message> messages) throws SQLException;
}
