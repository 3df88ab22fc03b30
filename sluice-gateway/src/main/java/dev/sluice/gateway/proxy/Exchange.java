package dev.sluice.gateway.proxy;

import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.edge.ClientGoneWatch;
import dev.sluice.gateway.translate.Dialect;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One client request as it was taken, fixed once at the edge after it was read, checked, authenticated
 * and admitted: nothing on the request path changes it. What happens to it is kept apart, in its
 * {@link Tally}, and both end in one {@link dev.sluice.gateway.exchange.Completion}.
 *
 * @param id the request id (the client's sane {@code x-request-id}, else a new one)
 * @param route the client-facing route
 * @param client the caller's dialect
 * @param principal who sent it
 * @param model the model asked for, sanitized for logs and metrics ({@code ""} when none)
 * @param stream whether a streamed answer was asked for
 * @param clientGone watches the client's connection while a whole answer is prepared;
 *        {@link ClientGoneWatch#NONE} for streams and bodiless routes
 */
public record Exchange(
        String id,
        Route route,
        Dialect client,
        @Nullable Principal principal,
        String model,
        boolean stream,
        ClientGoneWatch clientGone) {

    /** Who sent it, once authenticated: every admitted request is (null only for a refusal before that). */
    public Principal authenticated() {
        return Objects.requireNonNull(principal, "an admitted request is authenticated");
    }

    /** Whether this is an embeddings request (routed like a generation, answered whole, never streamed). */
    public boolean embeddings() {
        return route == Route.EMBEDDINGS;
    }
}
