package dev.sluice.gateway.context;

import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.ErrorBodies;
import io.helidon.webserver.http.ServerResponse;

/** Sends an error answer in the caller's dialect: Anthropic error JSON, or OpenAI's (where 529 becomes 503). */
public final class ClientErrors {

    private ClientErrors() {}

    /** The Anthropic error type of {@code e}: its own, else its status's. */
    public static String anthropicType(GatewayException e) {
        String type = e.type();
        return type != null ? type : ErrorBodies.anthropicTypeFor(e.status());
    }

    public static void send(ServerResponse res, Dialect client, GatewayException e) {
        if (res.isSent()) {
            return;
        }
        try {
            int status = client.openAiErrors() && e.status() == 529 ? 503 : e.status();
            res.status(status);
            res.header("content-type", "application/json");
            if (e.body() != null) {
                UpstreamHeaders.copy(e.headers(), res);
            } else if (e.retryAfter() != null) {
                res.header("retry-after", e.retryAfter());
            }
            res.send(
                    e.body() != null
                            ? e.body()
                            : e.type() == null
                                    ? ErrorBodies.body(client, e.status(), e.getMessage())
                                    : ErrorBodies.body(client, e.type(), e.getMessage()));
        } catch (IllegalStateException streaming) {
            // the answer is already streaming: its errors went in-band
        }
    }
}
