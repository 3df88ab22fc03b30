package dev.sluice.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.Outcome;
import dev.sluice.gateway.cache.StreamCapture;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.context.UpstreamHeaders;
import dev.sluice.gateway.provider.NdjsonReader;
import dev.sluice.gateway.provider.SseReader;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamHead;
import dev.sluice.gateway.proxy.Exchange;
import dev.sluice.gateway.proxy.ProxyRequest;
import dev.sluice.gateway.route.Target;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.StreamTranslator;

/**
 * A streamed answer: a {@link StreamRelay} from the upstream's events (SSE, or NDJSON for Ollama)
 * through a {@link StreamTranslator} to the client, registered for drain; every frame goes to the
 * cache capture and the session. A stream that completed is stored in the cache and remembered.
 */
final class StreamAnswer {

    private final ProxyRequest r;
    private final CacheUse cache;
    private final SessionUse session;
    private final boolean includeUsage;
    /** The request as the client sent it: a Responses answer echoes its settings. */
    private final JsonNode request;

    private final StoredResponseUse stored;

    StreamAnswer(ProxyRequest r, CacheUse cache, SessionUse session, StoredResponseUse stored, JsonNode json) {
        this.stored = stored;
        this.r = r;
        this.cache = cache;
        this.session = session;
        this.includeUsage = json.path("stream_options").path("include_usage").asBoolean(false);
        this.request = json;
    }

    /** The headers go out before the first frame; from then on failures are in-band. */
    // "try": the drain registration is held only for its scope; javac ignores the annotation on the
    // resource variable itself, so it sits on the method
    @SuppressWarnings("try")
    Outcome relay(Target target, UpstreamCall call, UpstreamHead head, Dialect upstream) {
        Exchange x = r.x();
        var config = r.ctx().config();
        StreamTranslator translator = StreamTranslator.of(upstream, x.client(), target.model(), includeUsage, request);
        StreamCapture capture = cache.capture();
        StreamRelay relay = r.scope()
                .own(
                        "stream-relay",
                        new StreamRelay(
                                call,
                                in -> upstream == Dialect.OLLAMA
                                        ? new NdjsonReader(in, StreamRelay.MAX_EVENT_BYTES)
                                        : new SseReader(in, StreamRelay.MAX_EVENT_BYTES),
                                translator,
                                x.id(),
                                config.stream().heartbeatInterval(),
                                config.timeouts().idle(),
                                frame -> {
                                    if (capture != null) {
                                        capture.add(frame);
                                    }
                                    session.frame(frame);
                                    stored.frame(frame);
                                },
                                r.ctx().edge().current()));
        try (Drain.Registration tracked = r.ctx().drain().track(relay)) {
            var res = r.res();
            UpstreamHeaders.copy(head.headers(), res);
            res.header(Generation.TARGET_HEADER, target.id());
            res.status(200);
            res.header("content-type", "text/event-stream; charset=utf-8");
            res.header("cache-control", "no-cache");
            Outcome o = relay.relay(res.outputStream());
            r.tally().answered(translator.usage(), relay.firstWriteNanos());
            boolean complete = o == Outcome.SUCCESS && translator.complete();
            cache.storeStream(x.authenticated().tenant(), capture, complete);
            if (complete) {
                session.remember(null);
                stored.remember(upstream, null);
            }
            return o;
        }
    }
}
