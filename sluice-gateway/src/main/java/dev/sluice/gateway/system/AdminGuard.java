package dev.sluice.gateway.system;

import dev.sluice.gateway.auth.Access;
import dev.sluice.gateway.auth.AccessDenied;
import dev.sluice.gateway.context.ClientErrors;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.translate.Dialect;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Runs an admin action after checking the admin key; its failures answer in Anthropic error JSON
 * (a store failure as 503, anything unexpected as 500).
 */
final class AdminGuard {

    /** An admin action. */
    interface Action {
        void run(ServerRequest req, ServerResponse res) throws Exception;
    }

    private AdminGuard() {}

    static void run(GatewayContext ctx, ServerRequest req, ServerResponse res, Action action) {
        try {
            try {
                Access.requireAdmin(
                        req, ctx.config().auth().adminKey(), ctx.state().adminFailures());
            } catch (AccessDenied denied) {
                throw GatewayException.of(denied);
            }
            action.run(req, res);
        } catch (GatewayException e) {
            ClientErrors.send(res, Dialect.ANTHROPIC, e);
        } catch (SQLException e) {
            ClientErrors.send(
                    res,
                    Dialect.ANTHROPIC,
                    new GatewayException(503, "api_error", "store unavailable: " + e.getMessage(), "1"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            ClientErrors.send(
                    res,
                    Dialect.ANTHROPIC,
                    new GatewayException(
                            500,
                            "api_error",
                            Objects.toString(e.getMessage(), e.getClass().getName()),
                            null));
        }
    }
}
