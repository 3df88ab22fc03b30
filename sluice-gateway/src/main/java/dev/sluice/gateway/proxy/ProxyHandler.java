package dev.sluice.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.Outcome;
import dev.sluice.core.Permit;
import dev.sluice.core.Priority;
import dev.sluice.core.ResourceScope;
import dev.sluice.core.ScopeRegistry;
import dev.sluice.gateway.auth.Access;
import dev.sluice.gateway.auth.AccessDenied;
import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.context.ClientErrors;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.RequestChecks;
import dev.sluice.gateway.context.RequestIds;
import dev.sluice.gateway.context.Sanitize;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.edge.ClientGoneWatch;
import dev.sluice.gateway.trace.RequestSpan;
import dev.sluice.gateway.translate.Dialect;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.UncheckedIOException;

/**
 * The request path shared by every client-facing route: size limits, auth, the body read and checked by the
 * route ({@link RouteWork#check}), admission, then the route's work ({@link RouteWork#run}), with the request
 * scope closed on every path and every error in the caller's dialect.
 */
public final class ProxyHandler implements Handler {

    private static final io.helidon.http.Status CLIENT_CLOSED_REQUEST =
            io.helidon.http.Status.create(499, "Client Closed Request");

    private final Route route;
    private final GatewayContext ctx;
    private final RouteWork work;
    private final ProxyAdmission admission;

    private ProxyHandler(Route route, GatewayContext ctx, RouteWork work) {
        this.route = route;
        this.ctx = ctx;
        this.work = work;
        this.admission = new ProxyAdmission(ctx);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long start = ctx.timing().now();
        String id = RequestIds.choose(
                req.headers().first(HeaderNames.create("x-request-id")).orElse(null));
        res.header("request-id", id);
        res.header("x-request-id", id);
        Dialect client = route.dialect != null ? route.dialect : dialectOfModelsCall(req);
        Outcome outcome = Outcome.FAILURE;
        // what is known of the request so far: replaced (never changed) as the edge learns more, then fixed
        Exchange x = new Exchange(id, route, client, null, "", false, ClientGoneWatch.NONE);
        Tally tally = new Tally();
        String method = req.prologue().method().text();
        RequestSpan span = ctx.tracing()
                .request(
                        method,
                        route.path,
                        name -> req.headers().first(HeaderNames.create(name)).orElse(null));
        ScopeRegistry scopes = ctx.scopes();
        ClientConnection connection = ctx.edge().current();
        // the request and trace ids of this thread's log lines, to the request's very end (its error and access lines)
        var logId = dev.sluice.gateway.logging.RequestIds.bind(id, span.traceId());
        try (ResourceScope scope = scopes.open("request", id)) {
            Permit permit = null; // owned by the scope, which releases it once, after the outcome below is recorded
            try {
                if (!ctx.drain().accepting()) {
                    throw new GatewayException(503, "overloaded_error", "Sluice is shutting down", "1");
                }
                long maxBody = ctx.config().server().maxBodySize();
                RequestChecks.contentLength(req, maxBody);
                Principal who;
                try {
                    who = Access.check(req, ctx.config().auth(), ctx.state().auth());
                } catch (AccessDenied denied) {
                    throw GatewayException.of(denied);
                }
                x = new Exchange(id, route, client, who, "", false, ClientGoneWatch.NONE); // a refusal is the key's
                Priority priority = ProxyAdmission.priority(req, who);
                if (route.takesBody) {
                    admission.shedBeforeTheBody(req, res, connection, priority);
                }
                // the body is read and checked before admission: a slow upload holds a connection, never a permit
                byte[] body = RequestChecks.readBody(req, maxBody, connection);
                JsonNode json = route.takesBody ? work.check(route, body, ctx) : null;
                boolean stream =
                        route.generation && json != null && json.path("stream").asBoolean(false);
                String model =
                        json == null ? "" : Sanitize.token(json.path("model").asText());
                x = new Exchange(id, route, client, who, model, stream, ClientGoneWatch.NONE);
                long queued = ctx.timing().now();
                permit = admission.admit(scope, priority);
                span.admitted(ctx.timing().now() - queued);
                if (route.takesBody && !stream) {
                    x = new Exchange(
                            id,
                            route,
                            client,
                            who,
                            model,
                            stream,
                            ClientGoneWatch.start(
                                    ctx.edge(),
                                    connection,
                                    ctx.config().server().idleTimeout(),
                                    req.headers().contains(HeaderValues.CONNECTION_CLOSE)));
                }
                ProxyRequest exchange = new ProxyRequest(ctx, req, res, scope, x, tally, span);
                outcome = work.run(route, exchange, body, json);
            } catch (GatewayException e) {
                if (x.clientGone().gone()) {
                    outcome = Outcome.CANCELLED; // nobody to answer: the upstream call was aborted for that
                } else {
                    outcome = e.outcome(); // DROPPED when the upstream shed the request or timed out
                    ClientErrors.send(res, client, e);
                }
            } catch (UncheckedIOException | ServerConnectionException e) {
                outcome = Outcome.CANCELLED; // the client's connection failed under us
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = Outcome.CANCELLED;
            } finally {
                if (permit != null) {
                    permit.outcome(outcome); // FAILURE, as set at the start, when a RuntimeException escaped
                }
            }
        } catch (RuntimeException e) {
            System.getLogger("sluice.request").log(System.Logger.Level.ERROR, "request " + id + " failed", e);
            if (!res.isSent() && !x.clientGone().gone()) {
                ClientErrors.send(
                        res, client, new GatewayException(500, "internal error in Sluice (request " + id + ")"));
            }
        } finally {
            try {
                connection.bodyDone();
                if (outcome == Outcome.CANCELLED && !res.isSent()) {
                    answerNobody(res);
                }
                var completion =
                        tally.completion(x, method, res.status().code(), outcome, start, ctx.timing(), span.traceId());
                ctx.completions().completed(completion);
                span.end(completion);
                finishWatch(
                        x.clientGone()); // on every path, an Error's too: Helidon must never read beside the watcher
            } finally {
                logId.close();
            }
        }
    }

    /**
     * The client left before its answer: Helidon still wants the exchange ended (else it logs a
     * warning and tries a 500), so it is ended with 499 (nginx's "client closed request", what the
     * access log and metrics show) and the connection closed; the write itself is expected to fail.
     */
    private static void answerNobody(ServerResponse res) {
        try {
            res.status(CLIENT_CLOSED_REQUEST);
            res.header(HeaderValues.CONNECTION_CLOSE);
            res.send();
        } catch (RuntimeException clientGone) {
            // nobody to tell
        }
    }

    /** After the request is fully accounted: hand the connection back to Helidon (see {@link ClientGoneWatch}). */
    private static void finishWatch(ClientGoneWatch watch) {
        try {
            watch.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code /v1/models} answers in the dialect the caller shows: Anthropic clients send anthropic-version or x-api-key. */
    private static Dialect dialectOfModelsCall(ServerRequest req) {
        boolean anthropic = req.headers().contains(HeaderNames.create("anthropic-version"))
                || req.headers().contains(HeaderNames.create("x-api-key"));
        return anthropic ? Dialect.ANTHROPIC : Dialect.OPENAI;
    }

    /**
     * Registers the client-facing routes, each doing its part of {@code work}, then the answer for every
     * path no route takes: register this after every other route.
     */
    public static void register(HttpRouting.Builder routing, GatewayContext ctx, RouteWork work) {
        for (Route route : Route.values()) {
            routing.route(Method.create(route.method), route.path, new ProxyHandler(route, ctx, work));
        }
        routing.any((req, res) -> sendError(
                res,
                new GatewayException(
                        404,
                        "no route for " + req.prologue().method().text() + " "
                                + req.path().path())));
    }

    /** Errors outside any route (unknown path), in the Anthropic dialect unless the path is OpenAI's. */
    private static void sendError(ServerResponse res, GatewayException e) {
        ClientErrors.send(res, Dialect.ANTHROPIC, e);
    }
}
