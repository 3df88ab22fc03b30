package dev.sluice.gateway.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: time, level, logger, message, the request id of the request being handled
 * on this thread (when there is one), its trace id (when tracing is on) and the stack trace of a throwable. Messages never carry keys:
 * Sluice logs no header, body or secret.
 */
public final class JsonLogFormatter extends Formatter {

    /** Shared, bounded buffer recyclers: log calls come from virtual threads (see translate's Json). */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newBoundedPool(16))
            .build();

    @Override
    public String format(LogRecord r) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.ofEpochMilli(r.getMillis()).toString());
            g.writeStringField("level", r.getLevel().getName());
            g.writeStringField("logger", r.getLoggerName());
            g.writeStringField("message", formatMessage(r));
            String id = RequestIds.current();
            if (id != null) {
                g.writeStringField("request_id", id);
            }
            String trace = RequestIds.currentTrace();
            if (trace != null) {
                g.writeStringField("trace_id", trace);
            }
            if (r.getThrown() != null) {
                StringWriter stack = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(stack));
                g.writeStringField("error", stack.toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            return "{\"level\":\"SEVERE\",\"message\":\"log record could not be written as JSON\"}\n";
        }
        return out + System.lineSeparator();
    }
}
