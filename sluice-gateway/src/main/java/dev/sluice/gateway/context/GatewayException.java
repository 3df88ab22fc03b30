package dev.sluice.gateway.context;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.auth.Access;
import dev.sluice.gateway.auth.AccessDenied;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request that ends in an error answer before anything was streamed. Carries the status and the
 * Anthropic error type (rendered in the caller's dialect when sent), or an upstream's error answer
 * already re-expressed in the caller's dialect ({@link #body()}) with the headers to pass on, and
 * how the request's admission permit ends ({@link #outcome()}): {@link Outcome#DROPPED} when the
 * upstream shed the request or timed out, which an adaptive limit backs off on, else
 * {@link Outcome#FAILURE}.
 */
public final class GatewayException extends Exception {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final @Nullable String type;
    private final @Nullable String retryAfter;
    private final transient byte @Nullable [] body;
    private final transient Map<String, List<String>> headers;
    private final Outcome outcome;

    /** An error whose type follows from its status; a {@link Outcome#FAILURE}. */
    public GatewayException(int status, String message) {
        this(status, null, message, null);
    }

    /** A {@link Outcome#FAILURE}: Sluice's own refusal, the client's fault, or an upstream failure that is no drop. */
    public GatewayException(int status, @Nullable String type, String message, @Nullable String retryAfter) {
        this(status, type, message, retryAfter, Outcome.FAILURE);
    }

    /**
     * @param outcome {@link Outcome#DROPPED} when the upstream shed the request (429, 503, 529) or timed out,
     *     else {@link Outcome#FAILURE}
     */
    public GatewayException(
            int status, @Nullable String type, String message, @Nullable String retryAfter, Outcome outcome) {
        this(status, type, message, retryAfter, null, Map.of(), outcome);
    }

    private GatewayException(
            int status,
            @Nullable String type,
            String message,
            @Nullable String retryAfter,
            byte @Nullable [] body,
            Map<String, List<String>> headers,
            Outcome outcome) {
        super(message, null, false, false);
        if (outcome != Outcome.FAILURE && outcome != Outcome.DROPPED) {
            throw new IllegalArgumentException("an error answer is a FAILURE or a DROPPED, not " + outcome);
        }
        this.status = status;
        this.type = type;
        this.retryAfter = retryAfter;
        this.body = body;
        this.headers = headers;
        this.outcome = outcome;
    }

    /** A refusal by {@link Access}, answered like any other error. */
    public static GatewayException of(AccessDenied e) {
        return new GatewayException(e.status(), e.type(), e.getMessage(), e.retryAfter());
    }

    /**
     * An upstream's error answer, its body already in the client's dialect.
     *
     * @param outcome {@link Outcome#DROPPED} when the upstream shed the request (429, 503, 529), else
     *     {@link Outcome#FAILURE}
     */
    public static GatewayException upstreamAnswer(
            int status, byte[] clientBody, Map<String, List<String>> headers, Outcome outcome) {
        String retryAfter = headers.getOrDefault("retry-after", List.of()).stream()
                .findFirst()
                .orElse(null);
        return new GatewayException(
                status, null, "upstream answered " + status, retryAfter, clientBody, headers, outcome);
    }

    public int status() {
        return status;
    }

    /**
     * How the admission permit of a request that ends in this error closes: {@link Outcome#DROPPED} when the
     * upstream shed it or timed out (a congestion signal for an adaptive limit), else {@link Outcome#FAILURE}.
     */
    public Outcome outcome() {
        return outcome;
    }

    /** The Anthropic error type, or null when the status decides it. */
    @Nullable
    String type() {
        return type;
    }

    @Nullable
    String retryAfter() {
        return retryAfter;
    }

    /** The prebuilt body in the client's dialect, or null to render one from type and message. */
    byte @Nullable [] body() {
        return body;
    }

    /** The message: never null, every constructor takes one. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }

    /** Upstream headers to pass on with a prebuilt body. */
    Map<String, List<String>> headers() {
        return headers;
    }
}
