package dev.sluice.gateway.provider;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** An upstream exchange that failed without an HTTP answer, classified so callers can map it. */
public final class UpstreamFailure extends Exception {

    /** What went wrong, in the order a request meets them. */
    public enum Kind {
        /** Could not open a connection (refused, unreachable, connect timeout). */
        CONNECT,
        /** No response headers within the first-byte timeout. */
        FIRST_BYTE_TIMEOUT,
        /** The connection broke (reset, closed) before or while the answer was read. */
        BROKEN,
        /** The whole exchange exceeded the total timeout. */
        TOTAL_TIMEOUT,
        /** The connection was silent longer than the idle timeout. */
        IDLE_TIMEOUT,
        /** The pool's request queue is full. */
        QUEUE_FULL,
        /** Sluice aborted the exchange itself (client gone, shutdown). */
        ABORTED
    }

    private static final long serialVersionUID = 1L;
    private final Kind kind;

    public UpstreamFailure(Kind kind, String message, @Nullable Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    /** The message: never null, the constructor takes one. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }

    public Kind kind() {
        return kind;
    }
}
