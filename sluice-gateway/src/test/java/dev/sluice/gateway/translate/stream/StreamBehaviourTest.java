package dev.sluice.gateway.translate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.stream.StreamScenario.Part;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timing and identity properties of stream translation: incremental tool arguments, delayed end, pass-through. */
class StreamBehaviourTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final StreamScenario TOOL = new StreamScenario(
            "tool",
            List.of(Part.tool("call_01", "get_weather", "{\"loc", "ation\": \"Par", "is\"}")),
            "tool_use",
            new Usage(100, 20, 30, 5));

    @Test
    void openAiArgumentFragmentsBecomeInputJsonDeltasOneForOneAsTheyArrive() throws Exception {
        StreamTranslator translator = StreamTranslator.of(Dialect.OPENAI, Dialect.ANTHROPIC, "m", false);
        int fragments = 0;
        for (SseEvent frame : TOOL.frames(Dialect.OPENAI)) {
            List<WireFrames.Frame> out = WireFrames.parse(text(translator.onFrame(frame)));
            JsonNode call = MAPPER.readTree(frame.data().equals("[DONE]") ? "{}" : frame.data())
                    .path("choices")
                    .path(0)
                    .path("delta")
                    .path("tool_calls")
                    .path(0);
            String fragment = call.path("function").path("arguments").asText("");
            List<WireFrames.Frame> deltas = out.stream()
                    .filter(f -> f.event().equals("content_block_delta"))
                    .toList();
            if (fragment.isEmpty()) {
                assertThat(deltas).as("frame " + frame.data()).isEmpty();
                continue;
            }
            fragments++;
            assertThat(deltas).as("frame " + frame.data()).hasSize(1);
            JsonNode delta = MAPPER.readTree(deltas.get(0).data()).path("delta");
            assertThat(delta.path("type").asText()).isEqualTo("input_json_delta");
            assertThat(delta.path("partial_json").asText()).isEqualTo(fragment);
        }
        assertThat(fragments).isEqualTo(3);
    }

    @Test
    void translatedFramesNameTheTargetModelWhenTheUpstreamsFramesNameNone() throws Exception {
        StreamTranslator toAnthropic = StreamTranslator.of(Dialect.OPENAI, Dialect.ANTHROPIC, "target-model", false);
        String anthropic = text(toAnthropic.onFrame(new SseEvent(
                "message",
                "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":null}]}")));
        assertThat(MAPPER.readTree(WireFrames.parse(anthropic).get(0).data())
                        .path("message")
                        .path("model")
                        .asText())
                .isEqualTo("target-model");

        StreamTranslator toOpenAi = StreamTranslator.of(Dialect.ANTHROPIC, Dialect.OPENAI, "target-model", false);
        String openAi = text(
                toOpenAi.onFrame(
                        new SseEvent(
                                "message_start",
                                "{\"type\":\"message_start\",\"message\":"
                                        + "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"usage\":{}}}")));
        assertThat(MAPPER.readTree(WireFrames.parse(openAi).get(0).data())
                        .path("model")
                        .asText())
                .isEqualTo("target-model");
    }

    @Test
    void anthropicInputJsonDeltasBecomeOpenAiArgumentFragmentsOneForOneAsTheyArrive() throws Exception {
        StreamTranslator translator = StreamTranslator.of(Dialect.ANTHROPIC, Dialect.OPENAI, "m", false);
        int fragments = 0;
        for (SseEvent frame : TOOL.frames(Dialect.ANTHROPIC)) {
            List<WireFrames.Frame> out = WireFrames.parse(text(translator.onFrame(frame)));
            JsonNode delta = MAPPER.readTree(frame.data()).path("delta");
            if (!"input_json_delta".equals(delta.path("type").asText())) continue;
            fragments++;
            assertThat(out).as("frame " + frame.data()).hasSize(1);
            JsonNode call = MAPPER.readTree(out.get(0).data())
                    .path("choices")
                    .path(0)
                    .path("delta")
                    .path("tool_calls")
                    .path(0);
            assertThat(call.path("index").asInt()).isZero();
            assertThat(call.has("id")).isFalse();
            assertThat(call.path("function").path("arguments").asText())
                    .isEqualTo(delta.path("partial_json").asText());
        }
        assertThat(fragments).isEqualTo(3);
    }

    @Test
    void openAiToAnthropicHoldsMessageDeltaUntilDoneSoItCarriesTheRealUsage() throws Exception {
        StreamTranslator translator = StreamTranslator.of(Dialect.OPENAI, Dialect.ANTHROPIC, "m", false);
        List<SseEvent> frames = TOOL.frames(Dialect.OPENAI);
        StringBuilder beforeDone = new StringBuilder();
        for (SseEvent frame : frames.subList(0, frames.size() - 1)) beforeDone.append(text(translator.onFrame(frame)));
        assertThat(beforeDone.toString())
                .contains("content_block_stop")
                .doesNotContain("message_delta", "message_stop");
        assertThat(translator.complete()).isFalse();
        String done = text(translator.onFrame(frames.get(frames.size() - 1)));
        List<WireFrames.Frame> out = WireFrames.parse(done);
        assertThat(out).extracting(WireFrames.Frame::event).containsExactly("message_delta", "message_stop");
        JsonNode usage = MAPPER.readTree(out.get(0).data()).path("usage");
        assertThat(usage.path("input_tokens").asLong()).isEqualTo(100);
        assertThat(usage.path("cache_read_input_tokens").asLong()).isEqualTo(30);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(20);
        assertThat(translator.complete()).isTrue();
    }

    @Test
    void sameDialectStreamsPassThroughByteForByteAndStillTrackUsage() throws Exception {
        for (Dialect dialect : List.of(Dialect.ANTHROPIC, Dialect.OPENAI)) {
            StreamTranslator translator = StreamTranslator.of(dialect, dialect, "client-model", true);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            ByteArrayOutputStream actual = new ByteArrayOutputStream();
            for (SseEvent frame : TOOL.frames(dialect)) {
                expected.writeBytes(frame.toWire());
                actual.writeBytes(translator.onFrame(frame));
            }
            assertThat(actual.toByteArray()).as(dialect.name()).isEqualTo(expected.toByteArray());
            assertThat(translator.complete()).isTrue();
            assertThat(translator.usage()).isEqualTo(TOOL.usageThrough(dialect));
        }
    }

    @Test
    void openAiClientGetsNoUsageChunkUnlessItAskedForOne() throws Exception {
        StreamTranslator translator = StreamTranslator.of(Dialect.ANTHROPIC, Dialect.OPENAI, "m", false);
        String wire = StreamConformanceTest.feed(translator, TOOL.frames(Dialect.ANTHROPIC));
        OpenAiStreamOrder.check(wire);
        assertThat(wire).doesNotContain("\"usage\"");
        assertThat(translator.usage()).isEqualTo(TOOL.usage());
    }

    @Test
    void framesAfterTheStreamCompletedWriteNothing() throws Exception {
        StreamTranslator translator = StreamTranslator.of(Dialect.ANTHROPIC, Dialect.OPENAI, "m", true);
        StreamConformanceTest.feed(translator, TOOL.frames(Dialect.ANTHROPIC));
        assertThat(translator.onFrame(new SseEvent("message", "[DONE]"))).isEmpty();
        assertThat(translator.onFrame(new SseEvent("ping", "{\"type\":\"ping\"}")))
                .isEmpty();
    }

    @Test
    void ollamaToolCallBecomesOneBlockWithItsWholeInputInOneDelta() throws Exception {
        StreamTranslator translator = StreamTranslator.of(Dialect.OLLAMA, Dialect.ANTHROPIC, "m", false);
        String wire = StreamConformanceTest.feed(translator, TOOL.frames(Dialect.OLLAMA));
        List<String> events =
                WireFrames.parse(wire).stream().map(WireFrames.Frame::event).toList();
        assertThat(events)
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        assertThat(MAPPER.readTree(WireFrames.parse(wire).get(2).data())
                        .path("delta")
                        .path("partial_json")
                        .asText())
                .isEqualTo("{\"location\":\"Paris\"}");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
