package dev.sluice.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Timing;
import dev.sluice.gateway.context.UpstreamHeaders;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.provider.UpstreamHead;
import dev.sluice.gateway.proxy.Exchange;
import dev.sluice.gateway.proxy.ProxyRequest;
import dev.sluice.gateway.route.Attempt;
import dev.sluice.gateway.route.AttemptOutcome;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.Embeddings;
import dev.sluice.gateway.translate.Exchanges;
import dev.sluice.gateway.translate.Translate;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.Usage;
import java.io.IOException;
import java.util.Optional;

/**
 * A whole (non-streamed) answer: read it (bounded), check it ({@link WholeAnswers}), translate it to
 * the caller's dialect, write it with the target header under the edge's write deadline, then store
 * it in the cache and the session. Until it is written, a bad answer is a failure before the first byte.
 */
final class WholeAnswer {

    private final ProxyRequest r;
    private final Timing timing;
    private final CacheUse cache;
    private final SessionUse session;
    private final StoredResponseUse stored;
    private final JsonNode request;

    WholeAnswer(
            ProxyRequest r,
            Timing timing,
            CacheUse cache,
            SessionUse session,
            StoredResponseUse stored,
            JsonNode request) {
        this.r = r;
        this.timing = timing;
        this.cache = cache;
        this.session = session;
        this.stored = stored;
        this.request = request;
    }

    AttemptResult deliver(Attempt attempt, UpstreamCall call, UpstreamHead head, Dialect upstream) {
        Exchange x = r.x();
        byte[] answer;
        try {
            answer = call.readBody(WholeAnswers.MAX_RESPONSE_BYTES + 1);
        } catch (IOException e) {
            UpstreamFailure f = UpstreamCall.classify(e);
            // after the head a broken connection is no stale one to retry for free; a timeout stays a timeout
            attempt.finish(
                    Outcomes.of(f) == AttemptOutcome.TIMEOUT ? AttemptOutcome.TIMEOUT : AttemptOutcome.SERVER_ERROR,
                    Optional.empty());
            return failed(Outcomes.error(f, attempt.target().id(), x.id()));
        }
        if (answer.length > WholeAnswers.MAX_RESPONSE_BYTES) {
            attempt.finish(AttemptOutcome.SERVER_ERROR, Optional.empty());
            return failed(new GatewayException(
                    502,
                    "api_error",
                    "upstream answer larger than " + WholeAnswers.MAX_RESPONSE_BYTES + " bytes",
                    null));
        }
        byte[] out;
        Usage usage;
        try {
            ObjectNode parsed = WholeAnswers.check(upstream, answer, r.embeddings()); // the one parse of the answer
            usage = Translate.usageOf(upstream, parsed);
            out = r.embeddings()
                    ? Embeddings.answer(
                            upstream, answer, parsed, request, attempt.target().model())
                    : Exchanges.answer(
                            upstream,
                            x.client(),
                            answer,
                            parsed,
                            attempt.target().model(),
                            request);
        } catch (TranslationException e) {
            attempt.finish(AttemptOutcome.SERVER_ERROR, Optional.empty());
            return failed(new GatewayException(
                    502,
                    "api_error",
                    "upstream " + attempt.target().id() + " sent an answer Sluice cannot read: " + e.getMessage(),
                    null));
        }
        attempt.finish(AttemptOutcome.SUCCESS, Optional.empty());
        r.tally().answered(usage, timing.now());
        var res = r.res();
        UpstreamHeaders.copy(head.headers(), res);
        res.header(Generation.TARGET_HEADER, attempt.target().id());
        res.status(200);
        res.header("content-type", "application/json");
        var client = r.ctx().edge().current();
        client.writeStarts(timing.now() + r.ctx().config().timeouts().idle().toNanos());
        try {
            res.send(out); // a client that does not read a large answer is cut after the idle timeout
        } finally {
            client.writeDone();
        }
        cache.storeWhole(x.authenticated().tenant(), out);
        session.remember(out);
        stored.remember(upstream, out);
        return new AttemptResult.Answered(Outcome.SUCCESS);
    }

    private static AttemptResult failed(GatewayException e) {
        return new AttemptResult.FailedBeforeFirstByte(e);
    }
}
