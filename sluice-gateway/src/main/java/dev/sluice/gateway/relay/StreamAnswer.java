package dev.sluice.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.Outcome;
import dev.sluice.gateway.cache.StreamCapture;
import dev.sluice.gateway.context.ClientErrors;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.provider.NdjsonReader;
import dev.sluice.gateway.provider.SseReader;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamHead;
import dev.sluice.gateway.proxy.Exchange;
import dev.sluice.gateway.proxy.ProxyRequest;
import dev.sluice.gateway.relay.stream.ClientStream;
import dev.sluice.gateway.relay.stream.StreamBreak;
import dev.sluice.gateway.relay.stream.StreamRelay;
import dev.sluice.gateway.route.Attempt;
import dev.sluice.gateway.route.AttemptOutcome;
import dev.sluice.gateway.route.Target;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.StreamTranslator;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A streamed answer, across the attempts that write into it: each a {@link StreamRelay} from the
 * upstream's events (SSE, or NDJSON for Ollama) through a {@link StreamTranslator} into one
 * {@link ClientStream}, registered for drain; every frame goes to the cache capture and the session.
 * An attempt that fails before its first content is a failure like one before the first byte (the next
 * target answers into the same stream); one that breaks after text reached the client may be continued
 * by the next attempt ({@link #continuation()}); otherwise the stream ends with an in-band error. A
 * stream that completed is stored in the cache and remembered. One per request; used by its thread.
 */
final class StreamAnswer {

    private final ProxyRequest r;
    private final CacheUse cache;
    private final SessionUse session;
    private final boolean includeUsage;
    /** The request as the client sent it: a Responses answer echoes its settings. */
    private final JsonNode request;

    private final StoredResponseUse stored;
    private final ClientStream client;
    private final @Nullable StreamCapture capture;
    /** The translator of the answer so far; null until an attempt delivered content. */
    private @Nullable StreamTranslator translator;
    /** The last failure that ended an attempt inside the stream, told to the client if nothing mends it. */
    private @Nullable StreamBreak lastBreak;
    /** The text delivered before the break the next attempt is to continue; null when none is. */
    private @Nullable String prefill;

    private long firstWriteNanos;
    /** Whether a broken stream may be continued: the route's setting, else {@code stream.continuation}. */
    private final boolean continues;

    StreamAnswer(ProxyRequest r, CacheUse cache, SessionUse session, StoredResponseUse stored, JsonNode json) {
        this.stored = stored;
        this.r = r;
        this.cache = cache;
        this.session = session;
        this.includeUsage = json.path("stream_options").path("include_usage").asBoolean(false);
        this.request = json;
        this.client = new ClientStream(
                r.res(),
                r.ctx().edge().current(),
                r.ctx().config().timeouts().idle(),
                r.ctx().timing());
        this.capture = cache.capture();
        var config = r.ctx().config();
        var route = config.routing().routes().get(r.x().model());
        this.continues = route != null
                ? route.continues(config.stream().continuation())
                : config.stream().continuation();
    }

    /** The text the next attempt must continue from (an assistant prefill), when a stream broke mid-text. */
    Optional<String> continuation() {
        return Optional.ofNullable(prefill);
    }

    /** Whether the stream's head went out: from then on a failure can only be told in-band. */
    boolean begun() {
        return client.begun();
    }

    /** Relays one attempt's stream and finishes the attempt. */
    // "try": the drain registration is held only for its scope; javac ignores the annotation on the
    // resource variable itself, so it sits on the method
    @SuppressWarnings("try")
    AttemptResult relay(Attempt attempt, UpstreamCall call, UpstreamHead head, Dialect upstream) {
        Exchange x = r.x();
        Target target = attempt.target();
        var config = r.ctx().config();
        String from = prefill;
        StreamTranslator previous = translator;
        StreamTranslator t;
        if (from != null && previous != null) {
            t = previous.continueOn(upstream, target.model(), !from.equals(from.stripTrailing()));
            r.tally().continuedAt(from.length());
        } else {
            t = StreamTranslator.of(upstream, x.client(), target.model(), includeUsage, request);
            if (continues) {
                t.keepDeliveredText();
            }
        }
        prefill = null;
        client.begin(head, target);
        StreamRelay relay = r.scope()
                .own(
                        "stream-relay",
                        new StreamRelay(
                                call,
                                in -> upstream == Dialect.OLLAMA
                                        ? new NdjsonReader(in, StreamRelay.MAX_EVENT_BYTES)
                                        : new SseReader(in, StreamRelay.MAX_EVENT_BYTES),
                                t,
                                x.id(),
                                new StreamRelay.Settings(
                                        config.stream().heartbeatInterval(),
                                        config.timeouts().idle(),
                                        config.timeouts().firstToken(),
                                        config.stream().skipMalformedEvents()),
                                frame -> {
                                    if (capture != null) {
                                        capture.add(frame);
                                    }
                                    session.frame(frame);
                                    stored.frame(frame);
                                },
                                r.tally()::skippedEvent,
                                client,
                                r.ctx().timing().nanoTime()));
        StreamRelay.Relayed relayed;
        try (Drain.Registration tracked = r.ctx().drain().track(relay)) {
            relayed = relay.relay();
        }
        if (firstWriteNanos == 0) {
            firstWriteNanos = relay.firstWriteNanos();
        }
        StreamBreak broke = relayed.broke();
        if (broke == null) {
            translator = t;
            return answered(attempt, relayed.outcome(), t, upstream);
        }
        boolean seen = !(from == null && broke.beforeContent()); // the client saw this attempt's frames
        attempt.finish(
                seen
                        ? AttemptOutcome.BROKE_MID_STREAM
                        : broke.timeout() ? AttemptOutcome.TIMEOUT : AttemptOutcome.SERVER_ERROR,
                Optional.empty());
        lastBreak = broke;
        GatewayException failure = new GatewayException(
                broke.timeout() ? 504 : 502, broke.type(), broke.message() + " (upstream " + target.id() + ")", null);
        if (from == null && broke.beforeContent() && !broke.last()) {
            return new AttemptResult.FailedBeforeFirstByte(failure); // the client saw no event: start afresh
        }
        translator = t;
        // a continuation that broke again may be continued again: the sink's record of what was delivered
        // is the client's, whatever attempt wrote it
        Optional<String> text = !broke.last() && continues ? t.continuable() : Optional.empty();
        if (text.isPresent()) {
            prefill = text.get();
            return new AttemptResult.Broken(failure);
        }
        r.tally().answered(t.usage(), firstWriteNanos);
        return new AttemptResult.Answered(tell(broke, t));
    }

    private AttemptResult answered(Attempt attempt, Outcome o, StreamTranslator t, Dialect upstream) {
        attempt.finish(
                switch (o) {
                    case SUCCESS -> AttemptOutcome.SUCCESS;
                    case CANCELLED -> AttemptOutcome.CANCELLED;
                    case DROPPED -> AttemptOutcome.TIMEOUT;
                    case FAILURE -> AttemptOutcome.SERVER_ERROR;
                },
                Optional.empty());
        r.tally().answered(t.usage(), firstWriteNanos);
        boolean complete = o == Outcome.SUCCESS && t.complete();
        cache.storeStream(r.x().authenticated().tenant(), capture, complete);
        if (complete) {
            session.remember(null);
            stored.remember(upstream, null);
        }
        return new AttemptResult.Answered(o);
    }

    /**
     * Ends the begun stream after the attempts ran out (no target left, or the one left refused): the
     * client hears of the break that started it, else of {@code last}; a refused continuation is never
     * the client's error.
     */
    Outcome endWith(GatewayException last) {
        StreamBreak b = lastBreak;
        StreamTranslator t = translator != null
                ? translator
                : StreamTranslator.of(Dialect.ANTHROPIC, r.x().client(), r.x().model(), includeUsage, request);
        if (translator != null) {
            r.tally().answered(t.usage(), firstWriteNanos);
        }
        if (b == null) {
            b = new StreamBreak(
                    ClientErrors.anthropicType(last),
                    last.getMessage(),
                    null,
                    true,
                    last.outcome() == Outcome.DROPPED,
                    true);
        } else if (prefill != null) {
            b = new StreamBreak(
                    b.type(),
                    b.message() + "; no target could continue the answer",
                    b.ownError(), // the upstream's own error, never sent: its frames were numbered in order
                    false,
                    b.timeout(),
                    true);
        }
        prefill = null;
        return tell(b, t);
    }

    /** The client's in-band error for a break: the upstream's own, else one of Sluice's. */
    private Outcome tell(StreamBreak b, StreamTranslator t) {
        String own = b.ownError();
        try {
            client.write(
                    own != null
                            ? own.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                            : t.errorFrame(b.type(), b.message()));
        } catch (StreamRelay.ClientGoneException gone) {
            return Outcome.CANCELLED;
        }
        return b.timeout() ? Outcome.DROPPED : Outcome.FAILURE; // an upstream that timed out: a drop for the limit
    }
}
