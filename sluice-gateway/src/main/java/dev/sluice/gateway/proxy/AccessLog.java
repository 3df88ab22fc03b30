package dev.sluice.gateway.proxy;

import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.exchange.CompletionListener;
import dev.sluice.gateway.logging.AccessLogWriter;

/**
 * One line per request: id, method, route, status, model, targets tried, a realtime session's close, the trace id
 * (when tracing is on), outcome, duration. Never headers or bodies. The request thread only builds the line and
 * queues it; the {@link AccessLogWriter}'s thread writes it to the {@code sluice.access} logger's handlers.
 */
public final class AccessLog implements CompletionListener {

    private final boolean enabled;
    private final AccessLogWriter writer;

    public AccessLog(boolean enabled, AccessLogWriter writer) {
        this.enabled = enabled;
        this.writer = writer;
    }

    @Override
    public void completed(Completion c) {
        if (!enabled || !writer.enabled()) {
            return;
        }
        writer.offer(line(c), c.id(), c.traceId()); // the ids of the JSON line, whatever this thread has bound
    }

    /** The line's format is read by operators' log parsers: keep it as it is. */
    public static String line(Completion c) {
        long micros = c.durationNanos() / 1000;
        return "request id=" + c.id() + " method=" + c.method()
                + " route=" + c.route() + " status=" + c.status() + " stream=" + c.stream()
                + (c.model().isEmpty() ? "" : " model=" + c.model())
                + (c.tried().isEmpty() ? "" : " targets=" + String.join(",", c.tried()))
                + (c.continuedAt() >= 0 ? " continued_at=" + c.continuedAt() : "")
                + (c.skippedEvents() > 0 ? " skipped_events=" + c.skippedEvents() : "")
                + (c.detail().closeCode() == 0
                        ? ""
                        : " close=" + c.detail().closeCode() + " close_reason=\""
                                + quoted(c.detail().closeReason()) + "\"")
                + (c.cacheHit() ? " cache=hit" : "")
                + (c.usage().inputTokens() + c.usage().outputTokens() == 0
                        ? ""
                        : " tokens_in=" + c.usage().inputTokens() + " tokens_out="
                                + c.usage().outputTokens())
                + (c.traceId().isEmpty() ? "" : " trace_id=" + c.traceId())
                + " outcome=" + c.outcome() + " duration_ms=" + micros / 1000 + "." + micros % 1000 / 100;
    }

    /** A reason as a quoted value: its quotes and backslashes escaped, line breaks as spaces. */
    private static String quoted(String reason) {
        return reason.replace("\\", "\\\\")
                .replace("\"", "\\\"")
                .replace('\n', ' ')
                .replace('\r', ' ');
    }
}
