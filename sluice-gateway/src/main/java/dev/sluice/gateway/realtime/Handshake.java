package dev.sluice.gateway.realtime;

import dev.sluice.core.Permit;
import dev.sluice.gateway.auth.Access;
import dev.sluice.gateway.auth.AccessDenied;
import dev.sluice.gateway.auth.FailureLimiter;
import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.context.ClientErrors;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.RequestIds;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.limits.Limits;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.route.Attempt;
import dev.sluice.gateway.route.AttemptOutcome;
import dev.sluice.gateway.route.Plan;
import dev.sluice.gateway.trace.RequestSpan;
import dev.sluice.gateway.translate.Dialect;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http.spi.ProtocolUpgradeHandler;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/realtime}: every check a WebSocket handshake must pass, before the client's socket is
 * upgraded, so a refusal is an HTTP answer in the OpenAI dialect with its status (401, 403, 404, 429, 502,
 * 503) rather than a socket closed without a word: Sluice accepting, the address not over its handshake
 * failures, the client's key (a header, or the {@code openai-insecure-api-key.} subprotocol browsers use), a
 * model the key may use, the key's stored limits (as on the HTTP path), a session permit and a slot of the key's, and an upstream that took its own
 * handshake — the route's targets in order, fallback only until one did. The admitted session is handed to
 * the {@link RealtimeListener} Helidon creates for the upgrade, on this same thread. A plain GET is a 426.
 */
final class Handshake implements ProtocolUpgradeHandler {

    /** The admitted session between this handler and the listener of the same connection's upgrade. */
    private static final ThreadLocal<RealtimeSession> ADMITTED = new ThreadLocal<>();

    private final GatewayContext ctx;
    private final Sessions sessions;
    private final FailureLimiter failures;

    Handshake(GatewayContext ctx, Sessions sessions, FailureLimiter failures) {
        this.ctx = ctx;
        this.sessions = sessions;
        this.failures = failures;
    }

    /** The session admitted on this thread, once (null when none was). */
    static @Nullable RealtimeSession take() {
        RealtimeSession s = ADMITTED.get();
        ADMITTED.remove();
        return s;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        ClientErrors.send(
                res,
                Dialect.OPENAI,
                new GatewayException(
                        426,
                        "invalid_request_error",
                        "/v1/realtime is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)",
                        null));
    }

    @Override
    public void handleProtocolUpgrade(ServerRequest req, ServerResponse res) {
        ClientConnection connection = ctx.edge().current();
        connection.bodyDone(); // no body and no body deadline: from here on the session's own bounds apply
        String address = Access.address(req);
        try {
            ADMITTED.set(admit(req, connection, address));
            res.next();
        } catch (GatewayException e) {
            if (e.status() < 500 && e.status() != 429) {
                failures.fail(address);
            }
            ClientErrors.send(res, Dialect.OPENAI, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            res.status(Status.SERVICE_UNAVAILABLE_503).send();
        }
    }

    private RealtimeSession admit(ServerRequest req, ClientConnection connection, String address)
            throws GatewayException, InterruptedException {
        if (!ctx.drain().accepting()) {
            throw new GatewayException(503, "overloaded_error", "Sluice is shutting down", "1");
        }
        Optional<Duration> blocked = failures.blockedFor(address);
        if (blocked.isPresent()) {
            throw new GatewayException(
                    429,
                    "rate_limit_error",
                    "too many failed realtime handshakes from this address",
                    Long.toString(Math.max(1, blocked.get().toSeconds())));
        }
        Principal who;
        try {
            who = Access.check(req, ctx.config().auth(), ctx.state().auth());
        } catch (AccessDenied denied) {
            throw GatewayException.of(denied);
        }
        String model = req.query()
                .first("model")
                .orElse(req.query().first("deployment").orElse(""));
        if (model.isBlank()) {
            throw new GatewayException(400, "model: required as a query parameter (/v1/realtime?model=...)");
        }
        if (who.policy().isPresent() && !who.policy().get().allows(model)) {
            throw new GatewayException(403, "permission_error", "this API key may not use model " + model, null);
        }
        Optional<Limits.Lease> lease = keyLimits(who);
        try {
            Permit permit = sessions.admit(who);
            try {
                return dial(req, connection, who, model, permit, lease);
            } catch (GatewayException | InterruptedException | RuntimeException e) {
                sessions.release(who, permit);
                throw e;
            }
        } catch (GatewayException | InterruptedException | RuntimeException e) {
            lease.ifPresent(Limits.Lease::close); // once: a session that started and ended closed it already
            throw e;
        }
    }

    /**
     * The key's stored limits, as on the HTTP path: token budget, requests and tokens per minute (a session
     * counts as one request; its real tokens are charged when it ends), concurrent requests (an open session
     * holds one slot). Refused: 429 with Retry-After. Empty when the key has no policy.
     */
    private Optional<Limits.Lease> keyLimits(Principal who) throws GatewayException {
        if (who.policy().isEmpty()) {
            return Optional.empty();
        }
        Limits.Decision d = ctx.state().limits().admit(who.keyId(), who.policy().get(), 0);
        if (d instanceof Limits.Limited limited) {
            long s = Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000);
            throw new GatewayException(429, "rate_limit_error", "rate limited: " + limited.reason(), Long.toString(s));
        }
        return Optional.of(((Limits.Admitted) d).lease());
    }

    /** The route's targets in order until one takes the upstream handshake; the session is created first. */
    private RealtimeSession dial(
            ServerRequest req,
            ClientConnection connection,
            Principal who,
            String model,
            Permit permit,
            Optional<Limits.Lease> lease)
            throws GatewayException, InterruptedException {
        Plan plan = ctx.router().plan(model, Optional.empty());
        if (plan.isEmpty()) {
            throw new GatewayException(
                    plan.whyEmpty().orElse(null) == Plan.Empty.NO_ROUTE ? 404 : 503,
                    plan.whyEmpty().orElse(null) == Plan.Empty.NO_ROUTE ? "not_found_error" : "overloaded_error",
                    plan.reason(),
                    null);
        }
        List<String> tried = new ArrayList<>();
        String last = "no target of model " + model
                + " serves the Realtime API (openai and azure-openai providers do, unless their realtime key is false)";
        String requestId = RequestIds.choose(
                req.headers().first(HeaderNames.create("x-request-id")).orElse(null));
        // the session's server span (continuing the client's traceparent), ended and exported with the session;
        // a handshake no target took never ends it, so it is never exported
        RequestSpan span = ctx.tracing()
                .request(
                        "GET",
                        "/v1/realtime",
                        name -> req.headers().first(HeaderNames.create(name)).orElse(null));
        for (Optional<Attempt> next = plan.next(); next.isPresent(); next = plan.next()) {
            try (Attempt attempt = next.get()) {
                ProviderEndpoint provider = ctx.provider(attempt.target().provider());
                if (!provider.realtime()) {
                    attempt.finish(AttemptOutcome.UNSUPPORTED, Optional.empty()); // the next target is tried
                    continue;
                }
                tried.add(attempt.target().id());
                RealtimeSession session = sessions.start(new Sessions.Admitted(
                        requestId,
                        who,
                        model,
                        permit,
                        lease,
                        List.copyOf(tried),
                        attempt.target().provider(),
                        attempt.target().model(),
                        connection,
                        span));
                Optional<String> key = who.passThroughKey().isPresent() ? who.passThroughKey() : attempt.apiKey();
                try {
                    WebSocket ws = sessions.dial()
                            .dial(
                                    provider,
                                    UpstreamDial.uri(
                                            provider.client().baseUrl(),
                                            provider.kind(),
                                            attempt.target().model(),
                                            provider.apiVersion()),
                                    key,
                                    ctx.config()
                                            .timeouts()
                                            .connect()
                                            .plus(ctx.config().timeouts().firstByte()),
                                    session.upstreamListener());
                    session.upstream(ws);
                    attempt.finish(AttemptOutcome.SUCCESS, Optional.empty());
                    return session;
                } catch (UpstreamDial.DialFailure f) {
                    session.abandon(); // not a session yet: nothing was opened to the client
                    attempt.finish(f.outcome(), Optional.empty());
                    last = "upstream " + attempt.target().id() + ": " + f.getMessage();
                }
            }
        }
        throw new GatewayException(502, "api_error", last, null);
    }
}
