package dev.sluice.gateway.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.Admission;
import dev.sluice.core.Outcome;
import dev.sluice.core.Permit;
import dev.sluice.core.Priority;
import dev.sluice.core.ResourceScope;
import dev.sluice.core.ScopeRegistry;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamClient;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.provider.UpstreamHead;
import dev.sluice.gateway.provider.UpstreamTimeouts;
import dev.sluice.gateway.shed.Admissions;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The request path for the Anthropic dialect: size limits, auth, admission, parse, relay to the
 * upstream, and close the request scope on every path. One instance per route.
 */
final class ProxyHandler implements Handler {

    /** What a route relays and how its body is checked. */
    enum Route {
        MESSAGES("POST", "/v1/messages"),
        COUNT_TOKENS("POST", "/v1/messages/count_tokens"),
        MODELS("GET", "/v1/models");

        final String method;
        final String path;

        Route(String method, String path) {
            this.method = method;
            this.path = path;
        }
    }

    static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final List<String> FORWARDED = List.of("anthropic-version", "anthropic-beta", "accept");

    private final Route route;
    private final GatewayContext ctx;

    ProxyHandler(Route route, GatewayContext ctx) {
        this.route = route;
        this.ctx = ctx;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long start = System.nanoTime();
        String id = RequestIds.choose(req.headers().first(HeaderNames.create("x-request-id")).orElse(null));
        res.header("request-id", id);
        res.header("x-request-id", id);
        Outcome outcome = Outcome.FAILURE;
        boolean stream = false;
        ScopeRegistry scopes = ctx.scopes();
        try (ResourceScope scope = scopes.open("request", id)) {
            try {
                if (!ctx.drain().accepting()) {
                    throw new GatewayException(503, "overloaded_error", "Sluice is shutting down", "1");
                }
                RequestChecks.contentLength(req, ctx.config().server().maxBodySize());
                RequestChecks.authenticate(req, ctx.config().auth().apiKeys());
                Permit permit = admit(req, scope);
                byte[] body = RequestChecks.readBody(req, ctx.config().server().maxBodySize());
                JsonNode json = route == Route.MODELS ? null : RequestChecks.parse(body, route);
                stream = route == Route.MESSAGES && json.path("stream").asBoolean(false);
                outcome = stream ? relayStream(req, res, scope, body, id) : relayWhole(req, res, scope, body);
                permit.outcome(outcome);
            } catch (GatewayException e) {
                sendError(res, e);
            } catch (UncheckedIOException | ServerConnectionException e) {
                outcome = Outcome.CANCELLED; // the client's connection failed under us
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = Outcome.CANCELLED;
        } catch (RuntimeException e) {
            System.getLogger("sluice.request").log(System.Logger.Level.ERROR, "request " + id + " failed", e);
            if (!res.isSent()) {
                sendError(res, new GatewayException(500, "internal error in Sluice (request " + id + ")"));
            }
        } finally {
            ctx.accessLog().record(id, req, res, route.path, stream, outcome, start);
        }
    }

    private Permit admit(ServerRequest req, ResourceScope scope) throws GatewayException, InterruptedException {
        Optional<String> header = req.headers().first(HeaderNames.create(Admissions.PRIORITY_HEADER));
        Priority priority = Admissions.priority(header).orElseThrow(() -> new GatewayException(400,
                Admissions.PRIORITY_HEADER + ": must be interactive or batch"));
        Admission admission = ctx.limiter().acquire(priority, ctx.config().admission().queueTimeout());
        if (admission instanceof Admission.Granted granted) {
            return scope.own("permit", granted.permit());
        }
        String reason = ((Admission.Rejected) admission).reason();
        throw new GatewayException(529, "overloaded_error", "Sluice is overloaded: " + reason, "1");
    }

    private UpstreamCall send(ServerRequest req, ResourceScope scope, byte[] body, Duration firstByte) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : FORWARDED) {
            List<String> values = req.headers().values(HeaderNames.create(name));
            if (!values.isEmpty()) {
                headers.put(name, values);
            }
        }
        if (body.length > 0) {
            headers.put("content-type", List.of("application/json"));
        }
        ctx.upstreamKey().ifPresent(k -> headers.put("x-api-key", List.of(k)));
        String query = req.query().rawValue();
        String target = route.path + (query == null || query.isEmpty() ? "" : "?" + query);
        var t = ctx.config().timeouts();
        UpstreamClient upstream = ctx.upstream();
        return scope.own("upstream-call", upstream.send(route.method, target, headers, body,
                new UpstreamTimeouts(firstByte, t.idle(), t.total())));
    }

    private Outcome relayWhole(ServerRequest req, ServerResponse res, ResourceScope scope, byte[] body)
            throws GatewayException, InterruptedException {
        Duration total = ctx.config().timeouts().total();
        UpstreamCall call = send(req, scope, body, total);
        try (Drain.Registration tracked = ctx.drain().track(reason ->
                call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, reason, null)))) {
            UpstreamHead head = awaitHead(call, total);
            byte[] answer = readAll(call.body());
            copyHeaders(head, res);
            res.status(head.status());
            res.header("content-type", head.ok() ? head.header("content-type").orElse("application/json")
                    : "application/json");
            res.send(head.ok() ? answer : AnthropicErrors.fromUpstream(head.status(), answer));
            return outcomeOf(head);
        } catch (IOException e) {
            throw upstreamError(UpstreamCall.classify(e));
        }
    }

    private Outcome relayStream(ServerRequest req, ServerResponse res, ResourceScope scope, byte[] body, String id)
            throws GatewayException, InterruptedException {
        var t = ctx.config().timeouts();
        UpstreamCall call = send(req, scope, body, t.firstByte());
        UpstreamHead head = awaitHead(call, t.firstByte());
        if (!head.ok()) {
            byte[] answer = readAllQuietly(call);
            copyHeaders(head, res);
            res.status(head.status());
            res.header("content-type", "application/json");
            res.send(AnthropicErrors.fromUpstream(head.status(), answer));
            return outcomeOf(head);
        }
        StreamRelay relay = scope.own("stream-relay", new StreamRelay(call, id,
                ctx.config().stream().heartbeatInterval(), t.idle()));
        try (Drain.Registration tracked = ctx.drain().track(relay)) {
            copyHeaders(head, res);
            res.status(200);
            res.header("content-type", "text/event-stream; charset=utf-8");
            res.header("cache-control", "no-cache");
            return relay.relay(res.outputStream());
        }
    }

    /** Upstream overload answers (429, 503, 529) are drops: they tell an adaptive limit to back off. */
    private static Outcome outcomeOf(UpstreamHead head) {
        if (head.ok()) {
            return Outcome.SUCCESS;
        }
        int s = head.status();
        return s == 429 || s == 503 || s == 529 ? Outcome.DROPPED : Outcome.FAILURE;
    }

    private static UpstreamHead awaitHead(UpstreamCall call, Duration timeout)
            throws GatewayException, InterruptedException {
        try {
            return call.awaitHead(timeout);
        } catch (UpstreamFailure f) {
            throw upstreamError(f);
        }
    }

    static GatewayException upstreamError(UpstreamFailure f) {
        return switch (f.kind()) {
            case FIRST_BYTE_TIMEOUT, TOTAL_TIMEOUT, IDLE_TIMEOUT -> new GatewayException(504, "timeout_error", f.getMessage(), null);
            case QUEUE_FULL -> new GatewayException(529, "overloaded_error", f.getMessage(), "1");
            case ABORTED -> new GatewayException(503, "overloaded_error", "request ended by Sluice: " + f.getMessage(), "1");
            case CONNECT, BROKEN -> new GatewayException(502, "api_error", f.getMessage(), null);
        };
    }

    private static void copyHeaders(UpstreamHead head, ServerResponse res) {
        head.headers().forEach((name, values) -> {
            if (name.equals("retry-after") || name.startsWith("anthropic-ratelimit-")) {
                res.header(name, values.toArray(String[]::new));
            } else if (name.equals("request-id")) {
                res.header("upstream-request-id", values.get(0));
            }
        });
    }

    private static byte[] readAll(InputStream in) throws IOException, GatewayException {
        byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
        if (bytes.length > MAX_RESPONSE_BYTES) {
            throw new GatewayException(502, "api_error", "upstream response larger than " + MAX_RESPONSE_BYTES + " bytes", null);
        }
        return bytes;
    }

    private static byte[] readAllQuietly(UpstreamCall call) {
        try {
            return call.body().readNBytes(1024 * 1024);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    static void sendError(ServerResponse res, GatewayException e) {
        if (res.isSent()) {
            return;
        }
        try {
            res.status(e.status());
            res.header("content-type", "application/json");
            if (e.retryAfter() != null) {
                res.header("retry-after", e.retryAfter());
            }
            res.send(AnthropicErrors.body(e.type(), e.getMessage()));
        } catch (IllegalStateException streaming) {
            // the answer is already streaming: its errors went in-band
        }
    }
}
