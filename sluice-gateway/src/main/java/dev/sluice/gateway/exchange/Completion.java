package dev.sluice.gateway.exchange;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.Usage;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one client request, fixed once it is over: built once by the request path and handed
 * to every {@link CompletionListener}, so the access log, the usage record and the metrics tell the same
 * story (one end time, one status) instead of each reading the request's mutable scratchpad.
 *
 * @param id the request id
 * @param route the route's path ({@code /v1/messages}, ...)
 * @param method the HTTP method
 * @param client the caller's dialect
 * @param metered whether the route is routed to a target and metered (messages, chat completions, responses,
 *        embeddings): only those are counted in the request metrics and recorded as usage
 * @param model the model asked for, {@code ""} when none was read
 * @param stream whether a streamed answer was asked for
 * @param status the HTTP status sent (499 when the client left)
 * @param outcome how the request ended
 * @param tried the targets tried, in order
 * @param provider the provider that answered, {@code ""} when none did
 * @param upstreamModel the model that answered upstream, {@code ""} when none did
 * @param usage the tokens the upstream reported, {@link Usage#NONE} when none
 * @param cacheHit whether the answer came from the response cache
 * @param keyId the caller's key id, {@code null} when the request never got past auth
 * @param tenant the caller's tenant, {@code null} when the request never got past auth
 * @param startNanos when the request was taken ({@link System#nanoTime})
 * @param firstByteNanos when the answer's first byte went out ({@link System#nanoTime}), 0 if never
 * @param endNanos when the request was over ({@link System#nanoTime})
 * @param endMillis the wall-clock time of the end, for records kept beyond the process
 * @param detail what only some requests have: a stream's continuation and skipped events, a realtime
 *        session's close
 */
public record Completion(
        String id,
        String route,
        String method,
        Dialect client,
        boolean metered,
        String model,
        boolean stream,
        int status,
        Outcome outcome,
        List<String> tried,
        String provider,
        String upstreamModel,
        Usage usage,
        boolean cacheHit,
        @Nullable String keyId,
        @Nullable String tenant,
        long startNanos,
        long firstByteNanos,
        long endNanos,
        long endMillis,
        Detail detail) {

    /**
     * What only some requests have.
     *
     * @param continuedAt where a broken stream was continued on another attempt (characters of text delivered
     *        before the break), -1 when none was
     * @param skippedEvents malformed upstream events skipped ({@code stream.skip-malformed-events: true})
     * @param closeCode the WebSocket close code a realtime session ended with, 0 for an HTTP request
     * @param closeReason the close's reason, {@code ""} when none
     * @param traceId the request's trace id (32 hex digits) when tracing is on, else {@code ""}
     */
    public record Detail(int continuedAt, int skippedEvents, int closeCode, String closeReason, String traceId) {

        /** Nothing beyond the common fields. */
        public static final Detail NONE = new Detail(-1, 0, 0, "", "");

        /** A streamed answer's rescue: continued at (-1 when not) and malformed events skipped. */
        public static Detail stream(int continuedAt, int skippedEvents) {
            return new Detail(continuedAt, skippedEvents, 0, "", "");
        }

        /** A realtime session's close. */
        public static Detail closed(int code, String reason) {
            return new Detail(-1, 0, code, reason, "");
        }

        /** This detail with the request's trace id. */
        public Detail withTrace(String id) {
            return new Detail(continuedAt, skippedEvents, closeCode, closeReason, id);
        }
    }

    public Completion {
        tried = List.copyOf(tried); // a snapshot: the request path's own list is a mutable scratchpad
    }

    /** A completion of a request whose stream was neither continued nor had events skipped. */
    public Completion(
            String id,
            String route,
            String method,
            Dialect client,
            boolean metered,
            String model,
            boolean stream,
            int status,
            Outcome outcome,
            List<String> tried,
            String provider,
            String upstreamModel,
            Usage usage,
            boolean cacheHit,
            @Nullable String keyId,
            @Nullable String tenant,
            long startNanos,
            long firstByteNanos,
            long endNanos,
            long endMillis) {
        this(
                id,
                route,
                method,
                client,
                metered,
                model,
                stream,
                status,
                outcome,
                tried,
                provider,
                upstreamModel,
                usage,
                cacheHit,
                keyId,
                tenant,
                startNanos,
                firstByteNanos,
                endNanos,
                endMillis,
                Detail.NONE);
    }

    /** Where a broken stream was continued (characters of text delivered before the break), -1 when not. */
    public int continuedAt() {
        return detail.continuedAt();
    }

    /** Malformed upstream events skipped. */
    public int skippedEvents() {
        return detail.skippedEvents();
    }

    /** The request's trace id when tracing is on, else {@code ""}. */
    public String traceId() {
        return detail.traceId();
    }

    /** Whether the caller was authenticated (a usage record needs a key). */
    public boolean authenticated() {
        return keyId != null;
    }

    /** The client dialect as a metric tag and usage column: {@code anthropic}, {@code openai}. */
    public String dialect() {
        return client.name().toLowerCase(Locale.ROOT);
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }

    /** Time to the first byte of the answer, 0 when none was sent. */
    public long firstByteAfterNanos() {
        return firstByteNanos == 0 ? 0 : firstByteNanos - startNanos;
    }
}
