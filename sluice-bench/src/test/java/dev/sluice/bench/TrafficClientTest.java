package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.bench.TrafficClient.Dialect;
import dev.sluice.bench.TrafficClient.Reader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How the benchmark client reads answers: content events, end markers, errors, truncation, leaving early. */
class TrafficClientTest {

    static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    static String anthropic(int deltas, boolean stop) {
        StringBuilder sb = new StringBuilder("event: message_start\ndata: {}\n\n");
        for (int i = 0; i < deltas; i++) {
            sb.append("event: content_block_delta\ndata: {\"delta\":{\"text\":\"w\"}}\n\n");
        }
        return sb.append(stop ? "event: message_stop\ndata: {}\n\n" : "").toString();
    }

    static String openAi(int deltas, boolean done) {
        StringBuilder sb =
                new StringBuilder("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n");
        for (int i = 0; i < deltas; i++) {
            sb.append("data: {\"choices\":[{\"delta\":{\"content\":\"w \"}}]}\n\n");
        }
        return sb.append(done ? "data: [DONE]\n\n" : "").toString();
    }

    @Test
    void countsTheContentEventsOfAWholeStreamInEitherDialect() throws Exception {
        CallResult a = TrafficClient.readStream(text(anthropic(64, true)), Dialect.ANTHROPIC, Reader.COMPLETE, 0);
        assertThat(a.outcome()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(a.frames()).isEqualTo(64);
        // the role chunk with empty content is not a content event
        CallResult o = TrafficClient.readStream(text(openAi(12, true)), Dialect.OPENAI, Reader.COMPLETE, 0);
        assertThat(o.outcome()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(o.frames()).isEqualTo(12);
    }

    @Test
    void aStreamWithoutItsEndMarkerOrWithAnErrorEventIsAnError() throws Exception {
        assertThat(TrafficClient.readStream(text(anthropic(3, false)), Dialect.ANTHROPIC, Reader.COMPLETE, 0)
                        .error())
                .contains("without its end marker");
        assertThat(TrafficClient.readStream(text(openAi(3, false)), Dialect.OPENAI, Reader.COMPLETE, 0)
                        .outcome())
                .isEqualTo(CallResult.Outcome.ERROR);
        String withError = anthropic(2, false) + "event: error\ndata: {\"type\":\"error\"}\n\n";
        assertThat(TrafficClient.readStream(text(withError), Dialect.ANTHROPIC, Reader.COMPLETE, 0)
                        .error())
                .isEqualTo("in-band error event");
        String openAiError = openAi(2, false) + "data: {\"error\":{\"message\":\"x\"}}\n\n";
        assertThat(TrafficClient.readStream(text(openAiError), Dialect.OPENAI, Reader.COMPLETE, 0)
                        .outcome())
                .isEqualTo(CallResult.Outcome.ERROR);
    }

    @Test
    void aDisconnectingReaderLeavesAfterItsLines() throws Exception {
        CallResult r = TrafficClient.readStream(text(anthropic(64, true)), Dialect.ANTHROPIC, Reader.DISCONNECT, 5);
        assertThat(r.outcome()).isEqualTo(CallResult.Outcome.DISCONNECTED);
        // a stream that ends before the reader would leave is read whole
        CallResult whole =
                TrafficClient.readStream(text(anthropic(1, true)), Dialect.ANTHROPIC, Reader.DISCONNECT, 500);
        assertThat(whole.outcome()).isEqualTo(CallResult.Outcome.COMPLETED);
    }

    @Test
    void aSlowReadersOwnPausesAreNotCountedAsGaps() throws Exception {
        CallResult r = TrafficClient.readStream(text(anthropic(5, true)), Dialect.ANTHROPIC, Reader.SLOW, 0);
        assertThat(r.frames()).isEqualTo(5);
        assertThat(r.maxGapNanos()).isLessThan(TrafficClient.SLOW_READ_PAUSE.toNanos());
    }

    @Test
    void onlyLoopbackIsATarget() {
        TrafficClient.requireLoopback(URI.create("http://127.0.0.1:8080"));
        TrafficClient.requireLoopback(URI.create("http://[::1]:8080"));
        assertThatThrownBy(() -> TrafficClient.requireLoopback(URI.create("http://10.0.0.1:8080")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrafficClient.requireLoopback(URI.create("http://localhost.example.com:8080")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bodiesAreValidRequestsOfTheirDialect() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var a = mapper.readTree(TrafficClient.body(Dialect.ANTHROPIC, true, "m"));
        assertThat(a.path("max_tokens").asInt()).isPositive();
        assertThat(a.path("stream").asBoolean()).isTrue();
        var o = mapper.readTree(TrafficClient.body(Dialect.OPENAI, true, "m"));
        assertThat(o.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(mapper.readTree(TrafficClient.body(Dialect.OPENAI, false, "m"))
                        .has("stream_options"))
                .isFalse();
    }
}
