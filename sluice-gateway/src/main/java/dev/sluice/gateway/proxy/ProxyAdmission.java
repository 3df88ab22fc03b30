package dev.sluice.gateway.proxy;

import dev.sluice.core.Admission;
import dev.sluice.core.Permit;
import dev.sluice.core.Priority;
import dev.sluice.core.ResourceScope;
import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.shed.Admissions;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * A client request's admission: its priority, the shed that comes before its body is read, and the permit,
 * owned by the request's scope. A refusal is a 529 {@code overloaded_error} with the limiter's reason.
 */
final class ProxyAdmission {

    private final GatewayContext ctx;

    ProxyAdmission(GatewayContext ctx) {
        this.ctx = ctx;
    }

    /** {@code x-sluice-priority}, else the key's policy, else interactive; 400 for anything else. */
    static Priority priority(ServerRequest req, Principal who) throws GatewayException {
        Optional<String> header = req.headers()
                .first(HeaderNames.create(Admissions.PRIORITY_HEADER))
                .or(() -> who.policy().map(p -> p.priority()));
        return Admissions.priority(header)
                .orElseThrow(
                        () -> new GatewayException(400, Admissions.PRIORITY_HEADER + ": must be interactive or batch"));
    }

    /**
     * Bodies up to this size are read before a request is shed, so that its connection can be kept: such a body
     * arrives with the headers, and a shed that closes the connection makes the client reconnect for its next
     * request. (The overload benchmark, whose bodies are small, showed no difference either way beyond its
     * run-to-run noise: docs/benchmarks.md.)
     */
    static final long READ_BEFORE_SHED_MAX = 16 * 1024;

    /**
     * A request admission would shed at once is shed before its body is read when that body is large or of
     * unknown length (chunked): under overload no time goes into uploads and parsing for requests that are
     * refused anyway, and a slow upload is answered at once. The body stays unread, so the connection closes
     * after the answer. A small body is read first and the request shed by {@link #admit}, keeping its connection.
     */
    void shedBeforeTheBody(ServerRequest req, ServerResponse res, ClientConnection connection, Priority priority)
            throws GatewayException {
        if (!req.content().hasEntity()
                || req.headers().contentLength().orElse(Long.MAX_VALUE) <= READ_BEFORE_SHED_MAX) {
            return; // nothing to leave unread, or little enough to read and keep the connection
        }
        Optional<Admission.Rejected> shed =
                ctx.limiter().shedNow(priority, ctx.config().admission().queueTimeout());
        if (shed.isPresent()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
            connection.closeAfterAnswer(); // Helidon would wait to read the rest of the body
            throw overloaded(shed.get().reason());
        }
    }

    /** A permit, waiting in the admission queue at most {@code admission.queue-timeout}. */
    Permit admit(ResourceScope scope, Priority priority) throws GatewayException, InterruptedException {
        Admission admission =
                ctx.limiter().acquire(priority, ctx.config().admission().queueTimeout());
        if (admission instanceof Admission.Granted granted) {
            return scope.own("permit", granted.permit());
        }
        throw overloaded(((Admission.Rejected) admission).reason());
    }

    private static GatewayException overloaded(String reason) {
        return new GatewayException(529, "overloaded_error", "Sluice is overloaded: " + reason, "1");
    }
}
