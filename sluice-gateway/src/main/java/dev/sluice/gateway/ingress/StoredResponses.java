package dev.sluice.gateway.ingress;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.context.Sanitize;
import dev.sluice.gateway.proxy.ProxyRequest;
import dev.sluice.gateway.responses.ResponseStore;
import java.sql.SQLException;
import java.util.Optional;

/**
 * {@code GET} and {@code DELETE /v1/responses/{id}}: a response Sluice stored for the caller's tenant, or a
 * 404 in the OpenAI dialect when there is none (never stored, expired, deleted, or another tenant's).
 */
final class StoredResponses {

    private final ProxyRequest r;

    StoredResponses(ProxyRequest r) {
        this.r = r;
    }

    Outcome run(boolean get) throws GatewayException {
        String id = r.req().path().pathParameters().first("id").orElse("");
        ResponseStore store = r.ctx().state().responses();
        String tenant = r.x().authenticated().tenant();
        try {
            if (get) {
                Optional<ResponseStore.Stored> stored = store.get(tenant, id);
                send(stored.orElseThrow(() -> notFound(id)).response());
            } else {
                if (!store.delete(tenant, id)) {
                    throw notFound(id);
                }
                send(Json.MAPPER
                        .createObjectNode()
                        .put("id", id)
                        .put("object", "response")
                        .put("deleted", true)
                        .toString());
            }
        } catch (SQLException e) {
            System.getLogger("sluice.responses").log(System.Logger.Level.WARNING, "stored responses unavailable", e);
            throw new GatewayException(
                    503,
                    "api_error",
                    "stored responses are unavailable: the state store did not" + " answer (request it again shortly)",
                    "1");
        }
        return Outcome.SUCCESS;
    }

    private void send(String json) {
        r.res().header("content-type", "application/json");
        r.res().send(json);
    }

    private GatewayException notFound(String id) {
        return new GatewayException(
                404,
                "not_found_error",
                "no stored response '" + Sanitize.token(id) + "'"
                        + (r.ctx().state().responses().enabled() ? "" : " (responses.store is off)"),
                null);
    }
}
