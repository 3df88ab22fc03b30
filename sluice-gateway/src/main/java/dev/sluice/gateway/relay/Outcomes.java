package dev.sluice.gateway.relay;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.provider.UpstreamHead;
import dev.sluice.gateway.route.AttemptOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Classifies an attempt's result for the router (retry, fallback, breaker) and the client's error answer. */
public final class Outcomes {

    private static final System.Logger LOG = System.getLogger("sluice.upstream");

    private Outcomes() {}

    /** A failure without an HTTP answer. A connection that broke before any answer byte may be a stale pooled one. */
    static AttemptOutcome of(UpstreamFailure f) {
        return switch (f.kind()) {
            case CONNECT -> AttemptOutcome.CONNECT_FAILED;
            case FIRST_BYTE_TIMEOUT, TOTAL_TIMEOUT, IDLE_TIMEOUT -> AttemptOutcome.TIMEOUT;
            case BROKEN -> AttemptOutcome.STALE_CONNECTION;
            case QUEUE_FULL -> AttemptOutcome.OVERLOADED;
            case ABORTED -> AttemptOutcome.CANCELLED;
        };
    }

    /** An upstream error status; context-length and content-filter answers are told apart so they are not retried. */
    static AttemptOutcome of(int status, byte[] body) {
        if (status == 429) {
            return AttemptOutcome.RATE_LIMITED;
        }
        if (status == 503 || status == 529) {
            return AttemptOutcome.OVERLOADED;
        }
        if (status >= 500) {
            return AttemptOutcome.SERVER_ERROR;
        }
        String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        if (text.contains("context_length_exceeded")
                || text.contains("prompt is too long")
                || text.contains("maximum context length")
                || text.contains("context window")) {
            return AttemptOutcome.CONTEXT_LENGTH;
        }
        if (text.contains("content_filter")
                || text.contains("content_policy")
                || text.contains("content management policy")) {
            return AttemptOutcome.CONTENT_FILTER;
        }
        return AttemptOutcome.CLIENT_ERROR;
    }

    /**
     * How the admission permit closes when the request ends in an error after an attempt that ended so:
     * {@link Outcome#DROPPED} when the upstream shed it or timed out ({@link AttemptOutcome#drop()}), else
     * {@link Outcome#FAILURE}.
     */
    public static Outcome ofError(AttemptOutcome attempt) {
        return attempt.drop() ? Outcome.DROPPED : Outcome.FAILURE;
    }

    /** The permit's outcome for an upstream answer passed on to the client as it is: 2xx, a drop, or a failure. */
    public static Outcome ofAnswer(int status, byte[] body) {
        return status >= 200 && status < 300 ? Outcome.SUCCESS : ofError(of(status, body));
    }

    /** The upstream's Retry-After in seconds, when it sent one. */
    static Optional<Duration> retryAfter(UpstreamHead head) {
        return head.header("retry-after").flatMap(v -> {
            try {
                long s = Long.parseLong(v.strip());
                return s >= 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
            } catch (NumberFormatException httpDate) {
                return Optional.empty();
            }
        });
    }

    /**
     * The client's answer for a failure without an HTTP answer: 502, 504 or 529, its message the cause in
     * plain words, the target and the request id; a drop ({@link #ofError}) when the upstream timed out or its
     * pool's queue was full. The underlying exception (which may quote the
     * connection with its ports) goes only to the log: one WARNING line, the stack at DEBUG.
     */
    public static GatewayException error(UpstreamFailure f, String target, String requestId) {
        String what = "upstream " + target + ": " + f.getMessage();
        String message = what + " (request " + requestId + ")";
        if (f.kind() != UpstreamFailure.Kind.ABORTED) {
            Throwable cause = f.getCause();
            LOG.log(
                    System.Logger.Level.WARNING,
                    () -> "request " + requestId + ": " + what + (cause == null ? "" : "; detail: " + cause));
            if (cause != null) {
                LOG.log(System.Logger.Level.DEBUG, "request " + requestId + ": upstream failure detail", cause);
            }
        }
        Outcome outcome = ofError(of(f));
        return switch (f.kind()) {
            case FIRST_BYTE_TIMEOUT, TOTAL_TIMEOUT, IDLE_TIMEOUT ->
                new GatewayException(504, "timeout_error", message, null, outcome);
            case QUEUE_FULL -> new GatewayException(529, "overloaded_error", message, "1", outcome);
            case ABORTED ->
                new GatewayException(503, "overloaded_error", "request ended by Sluice: " + message, "1", outcome);
            case CONNECT, BROKEN -> new GatewayException(502, "api_error", message, null, outcome);
        };
    }

    /** Up to 1 MiB of an error answer; whatever arrived when the connection fails. */
    static byte[] readQuietly(UpstreamCall call) {
        try {
            return call.readBody(1024 * 1024);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
