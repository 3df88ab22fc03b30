package dev.sluice.gateway.context;

import dev.sluice.gateway.auth.Access;
import dev.sluice.gateway.auth.AccessDenied;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request that ends in an error answer before anything was streamed. Carries the status and the
 * Anthropic error type (rendered in the caller's dialect when sent), or an upstream's error answer
 * already re-expressed in the caller's dialect ({@link #body()}) with the headers to pass on.
 */
public final class GatewayException extends Exception {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final @Nullable String type;
    private final @Nullable String retryAfter;
    private final transient byte @Nullable [] body;
    private final transient Map<String, List<String>> headers;

    /** An error whose type follows from its status. */
    public GatewayException(int status, String message) {
        this(status, null, message, null);
    }

    public GatewayException(int status, @Nullable String type, String message, @Nullable String retryAfter) {
        this(status, type, message, retryAfter, null, Map.of());
    }

    private GatewayException(
            int status,
            @Nullable String type,
            String message,
            @Nullable String retryAfter,
            byte @Nullable [] body,
            Map<String, List<String>> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.retryAfter = retryAfter;
        this.body = body;
        this.headers = headers;
    }

    /** A refusal by {@link Access}, answered like any other error. */
    public static GatewayException of(AccessDenied e) {
        return new GatewayException(e.status(), e.type(), e.getMessage(), e.retryAfter());
    }

    /** An upstream's error answer, its body already in the client's dialect. */
    public static GatewayException upstreamAnswer(int status, byte[] clientBody, Map<String, List<String>> headers) {
        String retryAfter = headers.getOrDefault("retry-after", List.of()).stream()
                .findFirst()
                .orElse(null);
        return new GatewayException(status, null, "upstream answered " + status, retryAfter, clientBody, headers);
    }

    public int status() {
        return status;
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
