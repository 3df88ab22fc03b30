package dev.sluice.gateway.proxy;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.context.Timing;
import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.translate.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened to one request while it was served: the targets tried, the one that answered, the usage
 * it reported, when the first byte went out, whether the cache answered. Written only by the thread
 * serving the request, through these named events, and read once for the request's completion record.
 */
public final class Tally {
    private final List<String> tried = new ArrayList<>(3);
    private String provider = "";
    private String upstreamModel = "";
    private Usage usage = Usage.NONE;
    private long firstByteNanos;
    private boolean cacheHit;
    private int continuedAt = -1;
    private int skippedEvents;

    /** An attempt on a target ({@code provider/model}) begins. */
    public void attempting(String targetId, String provider, String model) {
        tried.add(targetId);
        this.provider = provider;
        this.upstreamModel = model;
    }

    /** A call that is not a routed attempt (model list, token count) goes to {@code label}. */
    public void calling(String label) {
        tried.add(label);
    }

    /** The answer went out: its first byte at {@code firstByteNanos} ({@link System#nanoTime}), with this usage. */
    public void answered(Usage usage, long firstByteNanos) {
        this.usage = usage;
        this.firstByteNanos = firstByteNanos;
    }

    /** A broken stream is continued on the next attempt after {@code chars} characters of text. */
    public void continuedAt(int chars) {
        continuedAt = chars;
    }

    /** A malformed upstream event was skipped. */
    public void skippedEvent() {
        skippedEvents++;
    }

    int continuedAt() {
        return continuedAt;
    }

    int skippedEvents() {
        return skippedEvents;
    }

    public void cacheHit() {
        cacheHit = true;
    }

    public int attempts() {
        return tried.size();
    }

    public List<String> tried() {
        return tried;
    }

    String provider() {
        return provider;
    }

    String upstreamModel() {
        return upstreamModel;
    }

    public Usage usage() {
        return usage;
    }

    long firstByteNanos() {
        return firstByteNanos;
    }

    boolean wasCacheHit() {
        return cacheHit;
    }

    /** What happened, fixed once from the request as taken and its tally, for every completion listener. */
    Completion completion(
            Exchange x, String method, int status, Outcome outcome, long start, Timing timing, String traceId) {
        Principal who = x.principal(); // null when the request never got past auth
        return new Completion(
                x.id(),
                x.route().path,
                method,
                x.client(),
                x.route().metered,
                x.model(),
                x.stream(),
                status,
                outcome,
                tried,
                provider,
                upstreamModel,
                usage,
                cacheHit,
                who == null ? null : who.keyId(),
                who == null ? null : who.tenant(),
                start,
                firstByteNanos,
                timing.now(),
                timing.nowMillis(),
                Completion.Detail.stream(continuedAt, skippedEvents).withTrace(traceId));
    }
}
