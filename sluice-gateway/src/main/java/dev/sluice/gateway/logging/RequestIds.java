package dev.sluice.gateway.logging;

import org.jspecify.annotations.Nullable;

/**
 * The id of the request the current thread is handling and, when tracing is on, the trace id of its server span,
 * for log lines (set and cleared by the request path). Plain strings: logging knows nothing of OpenTelemetry.
 */
public final class RequestIds {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<String> TRACE = new ThreadLocal<>();

    private RequestIds() {}

    public static @Nullable String current() {
        return CURRENT.get();
    }

    /** The trace id (32 hex digits) of the request this thread handles, null when none or tracing is off. */
    public static @Nullable String currentTrace() {
        return TRACE.get();
    }

    /** Clears the ids when closed. */
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    /** Sets the id for this thread; the returned handle clears it. */
    public static Binding bind(String id) {
        return bind(id, null);
    }

    /**
     * Sets the request id and the trace id ({@code null} or {@code ""}: none, tracing is off) for this thread; the
     * returned handle clears both.
     */
    public static Binding bind(String id, @Nullable String traceId) {
        CURRENT.set(id);
        if (traceId == null || traceId.isEmpty()) {
            TRACE.remove();
        } else {
            TRACE.set(traceId);
        }
        return () -> {
            CURRENT.remove();
            TRACE.remove();
        };
    }
}
