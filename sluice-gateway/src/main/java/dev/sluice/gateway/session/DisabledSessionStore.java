package dev.sluice.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** {@link SessionStore#disabled()}: the session store when sessions.enabled is false. */
final class DisabledSessionStore implements SessionStore {

    static final DisabledSessionStore INSTANCE = new DisabledSessionStore();

    private DisabledSessionStore() {}

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public List<JsonNode> history(String tenant, String sessionId, int tokenBudget) {
        return List.of();
    }

    @Override
    public void append(String tenant, String sessionId, List<Message> messages) {}

    @Override
    public String toString() {
        return "SessionStore.disabled()";
    }
}
