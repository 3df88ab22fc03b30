package dev.sluice.gateway.translate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.stream.StreamScenario.Part;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An upstream body that ends cleanly after its finish signal and usage, only without its terminator
 * (Anthropic message_stop, OpenAI [DONE]), is a whole answer: {@link StreamTranslator#closingFrames()}
 * gives the client exactly the end it would have had with the terminator. Cut before the finish
 * signal, it gives nothing and the stream stays incomplete.
 */
class StreamCleanEndTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-01-01T00:00:00Z"));
    private static final StreamScenario ANSWER = new StreamScenario(
            "text and a tool call",
            List.of(Part.text("Checking."), Part.tool("call_1", "get_weather", "{\"location\":", " \"Paris\"}")),
            "tool_use",
            new Usage(100, 20, 30, 0));

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of(Dialect.ANTHROPIC, Dialect.ANTHROPIC),
                Arguments.of(Dialect.ANTHROPIC, Dialect.OPENAI),
                Arguments.of(Dialect.OPENAI, Dialect.ANTHROPIC),
                Arguments.of(Dialect.OPENAI, Dialect.OPENAI));
    }

    @ParameterizedTest(name = "{0} upstream -> {1} client")
    @MethodSource("pairs")
    void cleanEndAfterTheFinishSignalClosesTheStreamAsTheTerminatorWould(Dialect upstream, Dialect client)
            throws Exception {
        List<SseEvent> frames = ANSWER.frames(upstream);
        String whole = StreamConformanceTest.feed(translator(upstream, client), frames);

        StreamTranslator translator = translator(upstream, client);
        String cut = StreamConformanceTest.feed(translator, frames.subList(0, frames.size() - 1)); // no terminator
        assertThat(translator.finishSeen()).isTrue();
        assertThat(translator.complete()).isFalse();
        String closing = new String(translator.closingFrames(), StandardCharsets.UTF_8);

        assertThat(closing).contains(client == Dialect.ANTHROPIC ? "event: message_stop" : "data: [DONE]");
        assertThat(cut + closing).isEqualTo(whole);
        assertThat(translator.complete()).isTrue();
        assertThat(translator.failed()).isFalse();
        assertThat(translator.usage()).isEqualTo(ANSWER.usageThrough(upstream));
        if (client == Dialect.ANTHROPIC) AnthropicStreamOrder.check(cut + closing);
        else OpenAiStreamOrder.check(cut + closing);
        assertThat(translator.closingFrames()).as("closed once").isEmpty();
    }

    @ParameterizedTest(name = "OpenAI upstream -> {0} client")
    @EnumSource(
            value = Dialect.class,
            names = {"ANTHROPIC", "OPENAI"})
    void openAiCleanEndBeforeTheUsageChunkClosesWithTheClientsFinishStillWaiting(Dialect client) throws Exception {
        List<SseEvent> frames = ANSWER.frames(Dialect.OPENAI);
        StreamTranslator translator = translator(Dialect.OPENAI, client);
        String cut = StreamConformanceTest.feed(translator, frames.subList(0, frames.size() - 2)); // finish chunk last
        String closing = new String(translator.closingFrames(), StandardCharsets.UTF_8);
        if (client == Dialect.ANTHROPIC) {
            assertThat(cut).doesNotContain("message_delta");
            assertThat(closing)
                    .startsWith("event: message_delta")
                    .contains("\"stop_reason\":\"tool_use\"")
                    .endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
            AnthropicStreamOrder.check(cut + closing);
        } else {
            assertThat(closing).isEqualTo("data: [DONE]\n\n");
            OpenAiStreamOrder.check(cut + closing);
        }
        assertThat(translator.complete()).isTrue();
        assertThat(translator.usage())
                .as("no usage chunk came: none is invented")
                .isEqualTo(Usage.NONE);
    }

    static Stream<Arguments> cutsBeforeTheFinishSignal() {
        return Stream.of(
                // Anthropic: up to the last content_block_stop, without message_delta and message_stop
                Arguments.of(Dialect.ANTHROPIC, Dialect.ANTHROPIC, 2),
                        Arguments.of(Dialect.ANTHROPIC, Dialect.OPENAI, 2),
                // OpenAI: without the finish_reason chunk, the usage chunk and [DONE]
                Arguments.of(Dialect.OPENAI, Dialect.ANTHROPIC, 3), Arguments.of(Dialect.OPENAI, Dialect.OPENAI, 3),
                // Ollama: without the done line
                Arguments.of(Dialect.OLLAMA, Dialect.ANTHROPIC, 1), Arguments.of(Dialect.OLLAMA, Dialect.OPENAI, 1));
    }

    @ParameterizedTest(name = "{0} upstream -> {1} client")
    @MethodSource("cutsBeforeTheFinishSignal")
    void streamCutBeforeTheFinishSignalGetsNoClosingFrames(Dialect upstream, Dialect client, int dropped)
            throws Exception {
        List<SseEvent> frames = ANSWER.frames(upstream);
        StreamTranslator translator = translator(upstream, client);
        String cut = StreamConformanceTest.feed(translator, frames.subList(0, frames.size() - dropped));
        assertThat(translator.finishSeen()).isFalse();
        assertThat(translator.closingFrames()).isEmpty();
        assertThat(translator.complete()).isFalse();
        assertThat(cut).doesNotContain("message_delta", "message_stop", "[DONE]", "finish_reason\":\"");
    }

    private static StreamTranslator translator(Dialect upstream, Dialect client) {
        return Streams.translator(upstream, client, "target-model", true, CLOCK);
    }
}
