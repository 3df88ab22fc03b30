package dev.sluice.gateway.auth;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request {@link Access} refuses: the status, the Anthropic error type (null when the status decides
 * it) and the Retry-After seconds (null for none). The request path answers it in the caller's dialect.
 */
public final class AccessDenied extends Exception {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final @Nullable String type;
    private final @Nullable String retryAfter;

    /** A refusal whose type follows from its status. */
    AccessDenied(int status, String message) {
        this(status, null, message, null);
    }

    AccessDenied(int status, @Nullable String type, String message, @Nullable String retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.retryAfter = retryAfter;
    }

    /** The message: never null, every constructor takes one. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }

    public int status() {
        return status;
    }

    /** The Anthropic error type, or null when the status decides it. */
    public @Nullable String type() {
        return type;
    }

    /** Seconds to wait before trying again, or null. */
    public @Nullable String retryAfter() {
        return retryAfter;
    }
}
