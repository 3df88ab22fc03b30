package dev.sluice.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.Outcome;
import dev.sluice.core.ResourceScope;
import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.provider.NdjsonReader;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.provider.SseReader;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.provider.UpstreamHead;
import dev.sluice.gateway.route.Attempt;
import dev.sluice.gateway.route.AttemptOutcome;
import dev.sluice.gateway.route.Plan;
import dev.sluice.gateway.route.Target;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.ErrorBodies;
import dev.sluice.gateway.translate.Exchanges;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.TokenEstimator;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.limits.Limits;
import dev.sluice.gateway.cache.CachedAnswer;
import dev.sluice.gateway.cache.StreamCapture;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * One generation request (Messages or Chat Completions): route it, then try its targets in the plan's
 * order — translating the request for each target's dialect — until one answers. Failing targets are
 * left only before the first byte reaches the client; after it, failures go in-band.
 */
final class Generation {

    /** On every answer: {@code <provider>/<model>}, the target that answered (after any fallback). */
    static final String TARGET_HEADER = "x-sluice-target";

    private final GatewayContext ctx;
    private final ServerRequest req;
    private final ServerResponse res;
    private final ResourceScope scope;
    private final RequestInfo info;
    private CacheUse cache;
    private SessionUse session;
    /** timeouts.total is one deadline for the whole request, across all its attempts (System.nanoTime). */
    private long deadlineNanos;

    Generation(GatewayContext ctx, ServerRequest req, ServerResponse res, ResourceScope scope, RequestInfo info) {
        this.ctx = ctx;
        this.req = req;
        this.res = res;
        this.scope = scope;
        this.info = info;
    }

    Outcome run(byte[] requestBody, JsonNode requestJson) throws GatewayException, InterruptedException {
        deadlineNanos = System.nanoTime() + ctx.config().timeouts().total().toNanos();
        byte[] body = requestBody;
        JsonNode json = requestJson;
        String model = json.path("model").asText();
        info.model = Sanitize.token(model);
        Optional<Limits.Lease> lease = admitByKey(model, json);
        session = SessionUse.of(ctx, req, info, json);
        if (session.active()) {
            json = session.withHistory(json, ctx.config().sessions().historyTokenBudget());
            body = json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        CacheUse cache = CacheUse.of(ctx, req, info, json);
        Optional<CachedAnswer> stored = cache.lookup();
        if (stored.isPresent()) {
            info.cacheHit = true;
            try {
                CacheUse.replay(stored.get(), res);
            } catch (IOException clientGone) {
                return Outcome.CANCELLED;
            }
            return Outcome.SUCCESS;
        }
        cache.markMiss(res);
        this.cache = cache;
        Plan plan = ctx.router().plan(model, sessionKey());
        if (plan.isEmpty()) {
            throw noTarget(plan);
        }
        GatewayException last = null;
        Optional<Attempt> next;
        while ((next = plan.next()).isPresent()) {
            if (info.clientGone.gone()) {
                next.get().close(); // releases the target's in-flight slot and breaker permission it took
                return Outcome.CANCELLED; // the client left before this attempt: nobody to try (again) for
            }
            Duration delay = plan.delayBeforeNext();
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                next.get().close();
                throw new GatewayException(504, "timeout_error", "no answer within timeouts.total ("
                        + ctx.config().timeouts().total().toMillis() + " ms) over " + info.tried.size() + " attempt(s)",
                        null);
            }
            try (Attempt attempt = next.get()) {
                info.tried.add(attempt.target().id());
                info.provider = attempt.target().provider();
                info.upstreamModel = attempt.target().model();
                AttemptResult r;
                try {
                    r = attempt(attempt, body, json);
                } finally {
                    info.clientGone.clear();
                }
                if (r.outcome() != null) {
                    lease.ifPresent(l -> l.record(info.usage.inputTokens(), info.usage.outputTokens()));
                    return r.outcome();
                }
                last = r.failure();
                if (info.clientGone.gone()) {
                    return Outcome.CANCELLED;
                }
                if (last.status() == 400 || last.status() == 413 || last.status() == 422) {
                    break; // the request itself is at fault: no other target will take it
                }
            }
        }
        throw last != null ? last : noTarget(plan);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Either the request's outcome (answered, no more attempts) or why this attempt failed before the first byte. */
    private record AttemptResult(Outcome outcome, GatewayException failure) {
        static AttemptResult done(Outcome o) {
            return new AttemptResult(o, null);
        }

        static AttemptResult failed(GatewayException e) {
            return new AttemptResult(null, e);
        }
    }

    // "try": the drain registration is held only for its scope; javac ignores the annotation on the
    // resource variable itself, so it sits on the method
    @SuppressWarnings("try")
    private AttemptResult attempt(Attempt attempt, byte[] body, JsonNode json)
            throws InterruptedException {
        ProviderEndpoint provider = ctx.providers().get(attempt.target().provider());
        Dialect upstream = Dialect.of(provider.kind());
        byte[] upstreamBody;
        try {
            upstreamBody = Exchanges.request(info.client, upstream, body, json, attempt.target().model(), info.stream);
        } catch (TranslationException e) {
            attempt.finish(AttemptOutcome.CLIENT_ERROR, Optional.empty());
            return AttemptResult.failed(new GatewayException(400, "invalid_request_error",
                    "cannot send this request to " + attempt.target().id() + ": " + e.getMessage(), null));
        }
        var t = ctx.config().timeouts();
        Duration remaining = Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
        Duration firstByte = info.stream ? min(t.firstByte(), remaining) : remaining;
        Optional<String> apiKey = info.principal != null && info.principal.passThroughKey().isPresent()
                ? info.principal.passThroughKey() : attempt.apiKey();
        UpstreamCall call = scope.own("upstream-call", UpstreamSend.send(req, info.client, provider, apiKey,
                attempt.target().model(), upstreamBody, firstByte, t, remaining));
        info.clientGone.onGone(() -> call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED,
                "client went away", null)));
        try (call) {
            UpstreamHead head;
            try (Drain.Registration tracked = ctx.drain().track(reason ->
                    call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, reason, null)))) {
                try {
                    head = call.awaitHead(firstByte);
                } catch (UpstreamFailure f) {
                    attempt.finish(Outcomes.of(f), Optional.empty());
                    return AttemptResult.failed(Outcomes.error(f, attempt.target().id(), info.id));
                }
                if (head.status() >= 300 && head.status() < 400) {
                    attempt.finish(AttemptOutcome.SERVER_ERROR, Optional.empty());
                    return AttemptResult.failed(new GatewayException(502, "api_error", "upstream " + attempt.target().id()
                            + " answered a redirect (" + head.status() + "), which Sluice does not follow", null));
                }
                if (!head.ok()) {
                    byte[] answer = Outcomes.readQuietly(call);
                    attempt.finish(Outcomes.of(head.status(), answer), Outcomes.retryAfter(head));
                    return AttemptResult.failed(GatewayException.upstreamAnswer(head.status(),
                            ErrorBodies.fromUpstream(upstream, info.client, head.status(), answer), head.headers()));
                }
                if (!info.stream) {
                    return whole(attempt, call, head, upstream);
                }
            }
            Outcome o = stream(attempt.target(), call, head, upstream, json); // the relay registers for drain itself
            attempt.finish(o == Outcome.SUCCESS ? AttemptOutcome.SUCCESS
                    : o == Outcome.CANCELLED ? AttemptOutcome.CANCELLED : AttemptOutcome.SERVER_ERROR, Optional.empty());
            return AttemptResult.done(o);
        }
    }

    private AttemptResult whole(Attempt attempt, UpstreamCall call, UpstreamHead head, Dialect upstream) {
        byte[] answer;
        try {
            answer = call.body().readNBytes(WholeAnswers.MAX_RESPONSE_BYTES + 1);
        } catch (IOException e) {
            UpstreamFailure f = UpstreamCall.classify(e);
            attempt.finish(AttemptOutcome.SERVER_ERROR, Optional.empty());
            return AttemptResult.failed(Outcomes.error(f, attempt.target().id(), info.id));
        }
        if (answer.length > WholeAnswers.MAX_RESPONSE_BYTES) {
            attempt.finish(AttemptOutcome.SERVER_ERROR, Optional.empty());
            return AttemptResult.failed(new GatewayException(502, "api_error",
                    "upstream answer larger than " + WholeAnswers.MAX_RESPONSE_BYTES + " bytes", null));
        }
        byte[] out;
        try {
            WholeAnswers.check(upstream, answer);
            out = Exchanges.answer(upstream, info.client, answer, attempt.target().model());
        } catch (TranslationException e) {
            attempt.finish(AttemptOutcome.SERVER_ERROR, Optional.empty());
            return AttemptResult.failed(new GatewayException(502, "api_error",
                    "upstream " + attempt.target().id() + " sent an answer Sluice cannot read: " + e.getMessage(), null));
        }
        attempt.finish(AttemptOutcome.SUCCESS, Optional.empty());
        info.usage = Outcomes.usage(upstream, answer);
        info.firstByteNanos = System.nanoTime();
        UpstreamHeaders.copy(head.headers(), res);
        res.header(TARGET_HEADER, attempt.target().id());
        res.status(200);
        res.header("content-type", "application/json");
        var client = ctx.edge().current();
        client.writeStarts(System.nanoTime() + ctx.config().timeouts().idle().toNanos());
        try {
            res.send(out); // a client that does not read a large answer is cut after the idle timeout
        } finally {
            client.writeDone();
        }
        cache.storeWhole(info.principal.tenant(), out);
        session.remember(out);
        return AttemptResult.done(Outcome.SUCCESS);
    }

    // "try": the drain registration is held only for its scope; javac ignores the annotation on the
    // resource variable itself, so it sits on the method
    @SuppressWarnings("try")
    private Outcome stream(Target target, UpstreamCall call, UpstreamHead head, Dialect upstream, JsonNode json) {
        boolean includeUsage = json.path("stream_options").path("include_usage").asBoolean(false);
        StreamTranslator translator = StreamTranslator.of(upstream, info.client, target.model(), includeUsage);
        StreamCapture capture = cache.capture();
        StreamRelay relay = scope.own("stream-relay", new StreamRelay(call,
                in -> upstream == Dialect.OLLAMA ? new NdjsonReader(in, StreamRelay.MAX_EVENT_BYTES)
                        : new SseReader(in, StreamRelay.MAX_EVENT_BYTES),
                translator, info.id, ctx.config().stream().heartbeatInterval(), ctx.config().timeouts().idle(),
                frame -> {
                    if (capture != null) {
                        capture.add(frame);
                    }
                    session.frame(frame);
                }, ctx.edge().current()));
        try (Drain.Registration tracked = ctx.drain().track(relay)) {
            UpstreamHeaders.copy(head.headers(), res);
            res.header(TARGET_HEADER, target.id());
            res.status(200);
            res.header("content-type", "text/event-stream; charset=utf-8");
            res.header("cache-control", "no-cache");
            Outcome o = relay.relay(res.outputStream());
            info.firstByteNanos = relay.firstWriteNanos();
            info.usage = translator.usage();
            boolean complete = o == Outcome.SUCCESS && translator.complete();
            cache.storeStream(info.principal.tenant(), capture, complete);
            if (complete) {
                session.remember(null);
            }
            return o;
        }
    }

    /** The key's model list and limits (403 / 429 in the caller's dialect); the lease is owned by the request scope. */
    private Optional<Limits.Lease> admitByKey(String model, JsonNode json) throws GatewayException {
        Principal who = info.principal;
        if (who == null || who.policy().isEmpty()) {
            return Optional.empty();
        }
        var policy = who.policy().get();
        if (!policy.allows(model)) {
            throw new GatewayException(403, "permission_error", "this API key may not use model " + info.model, null);
        }
        long asked = Math.max(json.path("max_tokens").asLong(0), json.path("max_completion_tokens").asLong(0));
        if (policy.maxOutputTokens() > 0 && asked > policy.maxOutputTokens()) {
            throw new GatewayException(400, "invalid_request_error", "max_tokens " + asked
                    + " is above this API key's ceiling of " + policy.maxOutputTokens(), null);
        }
        long estimate = policy.tokensPerMinute() > 0 ? estimateTokens(json) : 0; // only a tokens/min limit uses it
        Limits.Decision d = ctx.state().limits().admit(who.keyId(), policy, estimate);
        if (d instanceof Limits.Limited limited) {
            long s = Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000);
            throw new GatewayException(429, "rate_limit_error", "rate limited: " + limited.reason(), Long.toString(s));
        }
        return Optional.of(scope.own("key-limits", ((Limits.Admitted) d).lease()));
    }

    private static long estimateTokens(JsonNode json) {
        try {
            return TokenEstimator.estimate(json);
        } catch (RuntimeException unusual) {
            return json.toString().length() / 4;
        }
    }

    private Optional<String> sessionKey() {
        return req.headers().first(HeaderNames.create("x-session-id"))
                .or(() -> req.headers().first(HeaderNames.create("x-claude-code-session-id")))
                .filter(s -> !s.isBlank());
    }

    /** No target to try: an unknown model (404), or every target's breaker open (529; 503 for OpenAI clients). */
    private static GatewayException noTarget(Plan plan) {
        String reason = plan.reason();
        if (reason.startsWith("no route")) {
            return new GatewayException(404, "not_found_error", reason, null);
        }
        long seconds = plan.retryAfter().map(d -> Math.max(1, (d.toMillis() + 999) / 1000)).orElse(1L);
        return new GatewayException(529, "overloaded_error", reason, Long.toString(seconds));
    }
}
