package dev.sluice.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Sanitize;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.provider.UpstreamHead;
import dev.sluice.gateway.proxy.Exchange;
import dev.sluice.gateway.proxy.ProxyRequest;
import dev.sluice.gateway.route.Attempt;
import dev.sluice.gateway.route.AttemptOutcome;
import dev.sluice.gateway.trace.AttemptSpan;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.Embeddings;
import dev.sluice.gateway.translate.ErrorBodies;
import dev.sluice.gateway.translate.Exchanges;
import dev.sluice.gateway.translate.Translate;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.Usage;
import java.time.Duration;
import java.util.Optional;

/**
 * One attempt on one target: translate the request for the target's dialect, send it, wait for the
 * head within the deadline, turn a failed head into the caller's error, and hand a good one to the
 * {@link WholeAnswer} or the {@link StreamAnswer}. Aborted when the client leaves or the gateway drains. Traced as a
 * client span under the request's ({@link AttemptSpan}), whose {@code traceparent} goes upstream.
 */
final class UpstreamAttempt implements Attempts.Step {

    private final ProxyRequest r;
    private final Deadline deadline;
    private final byte[] body;
    private final JsonNode json;
    private final WholeAnswer whole;
    private final StreamAnswer stream;

    UpstreamAttempt(
            ProxyRequest r, Deadline deadline, byte[] body, JsonNode json, WholeAnswer whole, StreamAnswer stream) {
        this.r = r;
        this.deadline = deadline;
        this.body = body;
        this.json = json;
        this.whole = whole;
        this.stream = stream;
    }

    // "try": the drain registration is held only for its scope; javac ignores the annotation on the
    // resource variable itself, so it sits on the method
    @Override
    public AttemptResult run(Attempt attempt) throws InterruptedException {
        ProviderEndpoint provider = r.ctx().provider(attempt.target().provider());
        AttemptSpan span = r.trace()
                .attempt(
                        r.embeddings() ? "embeddings" : "chat",
                        provider.kind().id(),
                        r.x().model(),
                        attempt.target().id(),
                        attempt.target().model(),
                        provider.client().baseUrl(),
                        r.tally().attempts());
        AttemptResult result = null;
        try {
            result = run(attempt, provider, span);
            return result;
        } finally {
            boolean answered = result instanceof AttemptResult.Answered;
            Usage usage = answered ? r.tally().usage() : Usage.NONE;
            span.end(
                    attempt.outcome().map(Enum::name).orElse(answered ? "SUCCESS" : "CANCELLED"),
                    answered,
                    answered ? attempt.target().model() : "",
                    usage.inputTokens(),
                    usage.outputTokens());
        }
    }

    @SuppressWarnings("try")
    private AttemptResult run(Attempt attempt, ProviderEndpoint provider, AttemptSpan span)
            throws InterruptedException {
        Exchange x = r.x();
        Dialect upstream = Dialect.upstream(x.client(), provider.kind(), provider.nativeResponses());
        if (r.embeddings() && !provider.kind().servesEmbeddings()) {
            attempt.finish(AttemptOutcome.UNSUPPORTED, Optional.empty()); // no breaker; the next target is tried
            return failed(new GatewayException(
                    404,
                    "not_found_error",
                    "target " + attempt.target().id() + " cannot answer embeddings: "
                            + provider.kind().id() + " providers serve none",
                    null));
        }
        if (x.client() == Dialect.RESPONSES
                && upstream != Dialect.RESPONSES
                && json.path("previous_response_id").isTextual()) {
            // not resolved from the store (see StoredResponseUse): perhaps a native provider's id, which
            // a translating target cannot continue: answering without the conversation would be wrong
            attempt.finish(AttemptOutcome.CLIENT_ERROR, Optional.empty());
            return failed(new GatewayException(
                    404,
                    "not_found_error",
                    "previous response '"
                            + Sanitize.token(json.path("previous_response_id").asText())
                            + "' not found (only a provider"
                            + " serving Responses natively could know it, and "
                            + attempt.target().id() + " does not)",
                    null));
        }
        Optional<String> prefill = x.stream() ? stream.continuation() : Optional.empty();
        if (prefill.isPresent() && (upstream == Dialect.RESPONSES || !provider.continuation())) {
            attempt.finish(AttemptOutcome.UNSUPPORTED, Optional.empty()); // no breaker; the next target is tried
            return failed(new GatewayException(
                    502,
                    "api_error",
                    "target " + attempt.target().id() + " cannot continue an answer (providers.<name>.continuation)",
                    null));
        }
        byte[] upstreamBody;
        try {
            if (r.embeddings()) {
                upstreamBody = Embeddings.request(
                        upstream, body, json, attempt.target().model());
            } else {
                JsonNode sent = x.client() == Dialect.RESPONSES
                                && upstream != Dialect.RESPONSES
                                && r.ctx().config().responses().omitUnsupportedTools()
                        ? Translate.responsesWithFunctionToolsOnly(json)
                        : json;
                if (prefill.isPresent()) {
                    JsonNode prefilled = Translate.withPrefill(
                            x.client(), sent, prefill.get().stripTrailing());
                    upstreamBody = Exchanges.request(
                            x.client(),
                            upstream,
                            prefilled.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            prefilled,
                            attempt.target().model(),
                            true);
                    if (upstream == Dialect.OPENAI) {
                        upstreamBody = Translate.continueFinalMessage(upstreamBody);
                    }
                } else {
                    upstreamBody = Exchanges.request(
                            x.client(), upstream, body, sent, attempt.target().model(), x.stream());
                }
            }
        } catch (TranslationException e) {
            attempt.finish(AttemptOutcome.CLIENT_ERROR, Optional.empty());
            return failed(new GatewayException(
                    400,
                    "invalid_request_error",
                    "cannot send this request to " + attempt.target().id() + ": " + e.getMessage(),
                    null));
        }
        var t = r.ctx().config().timeouts();
        Duration remaining = deadline.remaining();
        Duration firstByte = x.stream() ? min(t.firstByte(), remaining) : remaining;
        Optional<String> apiKey = x.authenticated().passThroughKey().isPresent()
                ? x.authenticated().passThroughKey()
                : attempt.apiKey();
        UpstreamCall call = r.scope()
                .own(
                        "upstream-call",
                        UpstreamSend.send(
                                r.req(),
                                x.client(),
                                upstream,
                                provider,
                                apiKey,
                                attempt.target().model(),
                                r.embeddings(),
                                upstreamBody,
                                firstByte,
                                t,
                                remaining,
                                span));
        x.clientGone()
                .onGone(() -> call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "client went away", null)));
        try (call) {
            UpstreamHead head;
            try (Drain.Registration tracked = r.ctx()
                    .drain()
                    .track(reason -> call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, reason, null)))) {
                try {
                    head = call.awaitHead(firstByte);
                } catch (UpstreamFailure f) {
                    attempt.finish(Outcomes.of(f), Optional.empty());
                    return failed(Outcomes.error(f, attempt.target().id(), x.id()));
                }
                if (head.status() >= 300 && head.status() < 400) {
                    attempt.finish(AttemptOutcome.SERVER_ERROR, Optional.empty());
                    return failed(new GatewayException(
                            502,
                            "api_error",
                            "upstream " + attempt.target().id() + " answered a redirect (" + head.status()
                                    + "), which Sluice does not follow",
                            null));
                }
                if (!head.ok()) {
                    byte[] answer = Outcomes.readQuietly(call);
                    AttemptOutcome outcome = Outcomes.of(head.status(), answer);
                    attempt.finish(outcome, Outcomes.retryAfter(head));
                    return failed(GatewayException.upstreamAnswer(
                            head.status(),
                            ErrorBodies.fromUpstream(upstream, x.client(), head.status(), answer),
                            head.headers(),
                            Outcomes.ofError(outcome)));
                }
                if (!x.stream()) {
                    return whole.deliver(attempt, call, head, upstream);
                }
            }
            return stream.relay(attempt, call, head, upstream); // the relay registers for drain itself
        }
    }

    private static AttemptResult failed(GatewayException e) {
        return new AttemptResult.FailedBeforeFirstByte(e);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
