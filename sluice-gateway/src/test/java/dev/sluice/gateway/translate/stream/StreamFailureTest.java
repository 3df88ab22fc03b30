package dev.sluice.gateway.translate.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.stream.StreamScenario.Part;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed and out-of-order frames, streams without a terminator, upstream in-band errors. */
class StreamFailureTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final StreamScenario TEXT =
            new StreamScenario("text", List.of(Part.text("Hel", "lo")), "end_turn", new Usage(10, 2, 0, 0));

    static Stream<Arguments> malformedOrOutOfOrder() {
        String start = TEXT.frames(Dialect.ANTHROPIC).get(0).data();
        return Stream.of(
                Arguments.of(
                        Dialect.ANTHROPIC,
                        List.of(new SseEvent(
                                "content_block_delta", "{\"type\": \"content_block_delta\", \"delta\": {tru")),
                        "not valid JSON"),
                Arguments.of(
                        Dialect.OPENAI,
                        List.of(new SseEvent("message", "{\"object\": \"chat.completion.chunk\", \"choices\": [{tru")),
                        "not valid JSON"),
                Arguments.of(
                        Dialect.OLLAMA,
                        List.of(new SseEvent("message", "{\"model\": \"fake\", \"message\": {tru")),
                        "not valid JSON"),
                Arguments.of(
                        Dialect.ANTHROPIC,
                        List.of(
                                new SseEvent(
                                        "content_block_delta",
                                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}")),
                        "out of order"),
                Arguments.of(
                        Dialect.ANTHROPIC,
                        List.of(
                                new SseEvent("message_start", start),
                                new SseEvent(
                                        "content_block_start",
                                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                                new SseEvent(
                                        "content_block_start",
                                        "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")),
                        "out of order"),
                Arguments.of(
                        Dialect.ANTHROPIC,
                        List.of(
                                new SseEvent("message_start", start),
                                new SseEvent(
                                        "content_block_start",
                                        "{\"type\":\"content_block_start\",\"index\":3,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")),
                        "index: expected 0"),
                Arguments.of(
                        Dialect.ANTHROPIC,
                        List.of(new SseEvent("message_start", start), new SseEvent("message_start", start)),
                        "out of order"),
                Arguments.of(
                        Dialect.OPENAI,
                        List.of(
                                chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
                                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}", null)),
                        "must start with id and function.name"),
                Arguments.of(
                        Dialect.OPENAI,
                        List.of(chunk("{\"content\":\"a\"}", "stop"), chunk("{\"content\":\"b\"}", null)),
                        "content after finish_reason"));
    }

    @ParameterizedTest
    @MethodSource("malformedOrOutOfOrder")
    void malformedOrOutOfOrderFramesAreRefused(Dialect upstream, List<SseEvent> frames, String message) {
        StreamTranslator translator = StreamTranslator.of(upstream, Dialect.ANTHROPIC, "m", false);
        assertThatThrownBy(() -> StreamConformanceTest.feed(translator, frames))
                .isInstanceOf(TranslationException.class)
                .hasMessageContaining(message);
        assertThat(translator.complete()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"ANTHROPIC", "OPENAI", "OLLAMA"})
    void streamWithoutItsTerminatorIsNotComplete(Dialect upstream) throws Exception {
        for (Dialect client : List.of(Dialect.ANTHROPIC, Dialect.OPENAI, Dialect.RESPONSES)) {
            List<SseEvent> frames = TEXT.frames(upstream);
            // OpenAI: drop the usage chunk and [DONE], keeping the finish_reason chunk last
            List<SseEvent> cut = frames.subList(0, frames.size() - (upstream == Dialect.OPENAI ? 2 : 1));
            StreamTranslator translator = StreamTranslator.of(upstream, client, "m", true);
            String wire = StreamConformanceTest.feed(translator, cut);
            assertThat(translator.complete()).as(upstream + " -> " + client).isFalse();
            assertThat(translator.failed()).isFalse();
            assertThat(wire).doesNotContain("message_stop", "[DONE]", "response.completed");
        }
    }

    static Stream<Arguments> inBandErrors() {
        return Stream.of(
                Arguments.of(
                        Dialect.ANTHROPIC,
                        new SseEvent(
                                "error",
                                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"),
                        "overloaded_error",
                        "server_error",
                        "Overloaded"),
                Arguments.of(
                        Dialect.OPENAI,
                        new SseEvent(
                                "message",
                                "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"),
                        "api_error",
                        "server_error",
                        "The server had an error"),
                Arguments.of(
                        Dialect.OLLAMA,
                        new SseEvent("message", "{\"error\":\"model runner has unexpectedly stopped\"}"),
                        "api_error",
                        "server_error",
                        "model runner has unexpectedly stopped"));
    }

    @ParameterizedTest
    @MethodSource("inBandErrors")
    void upstreamInBandErrorFailsTheStreamWithTheClientsErrorFrame(
            Dialect upstream, SseEvent error, String anthropicType, String openAiType, String message)
            throws Exception {
        for (Dialect client : List.of(Dialect.ANTHROPIC, Dialect.OPENAI, Dialect.RESPONSES)) {
            List<SseEvent> frames = TEXT.frames(upstream);
            StreamTranslator translator = StreamTranslator.of(upstream, client, "m", true);
            String wire = StreamConformanceTest.feed(translator, frames.subList(0, 2))
                    + new String(translator.onFrame(error), StandardCharsets.UTF_8);
            assertThat(translator.failed()).as(upstream + " -> " + client).isTrue();
            assertThat(translator.complete()).isFalse();
            assertThat(translator.onFrame(frames.get(2))).as("after the error").isEmpty();
            List<WireFrames.Frame> out = WireFrames.parse(wire);
            JsonNode last = MAPPER.readTree(out.get(out.size() - 1).data());
            if (client == Dialect.RESPONSES) {
                assertThat(out.get(out.size() - 2).event()).isEqualTo("error");
                assertThat(out.get(out.size() - 1).event()).isEqualTo("response.failed");
                assertThat(wire).doesNotContain("response.completed");
                assertThat(last.path("response").path("status").asText()).isEqualTo("failed");
                assertThat(last.path("response").path("error").path("message").asText())
                        .isEqualTo(message);
                continue;
            }
            if (client == Dialect.ANTHROPIC) {
                AnthropicStreamOrder.checkFailed(wire);
                assertThat(last.path("error").path("type").asText()).isEqualTo(anthropicType);
            } else {
                OpenAiStreamOrder.checkFailed(wire);
                assertThat(last.path("error").path("type").asText()).isEqualTo(openAiType);
            }
            assertThat(last.path("error").path("message").asText()).isEqualTo(message);
        }
    }

    @Test
    void errorFrameIsTheClientsInBandErrorWithoutATerminator() throws Exception {
        StreamTranslator anthropic = StreamTranslator.of(Dialect.OPENAI, Dialect.ANTHROPIC, "m", true);
        assertThat(new String(anthropic.errorFrame("timeout_error", "upstream idle for 30 s"), StandardCharsets.UTF_8))
                .isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"timeout_error\","
                        + "\"message\":\"upstream idle for 30 s\"}}\n\n");
        StreamTranslator openAi = StreamTranslator.of(Dialect.ANTHROPIC, Dialect.OPENAI, "m", true);
        String frame = new String(openAi.errorFrame("overloaded_error", "shed"), StandardCharsets.UTF_8);
        assertThat(frame)
                .isEqualTo(
                        "data: {\"error\":{\"message\":\"shed\",\"type\":\"server_error\",\"code\":\"overloaded\"}}\n\n");
        assertThat(openAi.complete()).isFalse();
    }

    private static SseEvent chunk(String delta, String finish) {
        return new SseEvent(
                "message",
                "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\","
                        + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                        + (finish == null ? "null" : "\"" + finish + "\"") + "}]}");
    }
}
