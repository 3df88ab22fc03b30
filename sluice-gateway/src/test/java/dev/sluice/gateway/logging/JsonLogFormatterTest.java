package dev.sluice.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** JSON log lines: one valid object per line, with the request id of the thread's request. */
class JsonLogFormatterTest {

    @Test
    void eachRecordIsOneJsonLineWithTheRequestIdAndTheError() throws Exception {
        LogRecord r = new LogRecord(Level.WARNING, "upstream \"x\" failed\nsecond line");
        r.setLoggerName("sluice.request");
        r.setThrown(new IllegalStateException("boom"));
        String line;
        try (var bound = RequestIds.bind("req_123")) {
            line = new JsonLogFormatter().format(r);
        }
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("WARNING");
        assertThat(json.path("logger").asText()).isEqualTo("sluice.request");
        assertThat(json.path("message").asText()).isEqualTo("upstream \"x\" failed\nsecond line");
        assertThat(json.path("request_id").asText()).isEqualTo("req_123");
        assertThat(json.path("error").asText()).contains("IllegalStateException: boom");
        assertThat(new ObjectMapper().readTree(new JsonLogFormatter().format(r)).has("request_id"))
                .isFalse();
    }

    @Test
    void aTracedRequestsLinesCarryItsTraceIdAndAnUntracedOnesNone() throws Exception {
        LogRecord r = new LogRecord(Level.INFO, "m");
        r.setLoggerName("sluice.request");
        ObjectMapper json = new ObjectMapper();
        String traced;
        try (var bound = RequestIds.bind("req_1", "4bf92f3577b34da6a3ce929d0e0e4736")) {
            traced = new JsonLogFormatter().format(r);
        }
        assertThat(json.readTree(traced).path("request_id").asText()).isEqualTo("req_1");
        assertThat(json.readTree(traced).path("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        // tracing off: the request path binds "" (RequestSpan.NONE's trace id), and the line has no trace_id
        String untraced;
        try (var bound = RequestIds.bind("req_2", "")) {
            untraced = new JsonLogFormatter().format(r);
        }
        assertThat(json.readTree(untraced).path("request_id").asText()).isEqualTo("req_2");
        assertThat(json.readTree(untraced).has("trace_id")).isFalse();
        // unbound with the request: a later line of the thread names neither
        JsonNode after = json.readTree(new JsonLogFormatter().format(r));
        assertThat(after.has("request_id")).isFalse();
        assertThat(after.has("trace_id")).isFalse();
    }
}
