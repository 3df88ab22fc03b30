package dev.sluice.gateway.translate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.stream.StreamScenario.Part;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scenario, rendered as each upstream dialect sends it, through every (upstream, client) pair:
 * the client's stream must be well ordered, complete, and say the same thing (blocks in order, tool
 * ids and arguments, stop reason, the model that answered) with the real usage.
 */
class StreamConformanceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Usage USAGE = new Usage(100, 20, 30, 5);

    static List<StreamScenario> scenarios() {
        return List.of(
                new StreamScenario(
                        "text in three deltas", List.of(Part.text("Hel", "lo", " world")), "end_turn", USAGE),
                new StreamScenario(
                        "thinking then text",
                        List.of(Part.thinking("Let me", " think."), Part.text("42")),
                        "end_turn",
                        USAGE),
                new StreamScenario(
                        "one tool call, arguments in fragments",
                        List.of(Part.tool("call_01", "get_weather", "{\"loc", "ation\": \"Par", "is\"}")),
                        "tool_use",
                        USAGE),
                new StreamScenario(
                        "text then two parallel tool calls",
                        List.of(
                                Part.text("Checking both."),
                                Part.tool("call_a", "get_weather", "{\"location\":", " \"Paris\"}"),
                                Part.tool("call_b", "get_time", "{\"zone\": \"CET\"}")),
                        "tool_use",
                        USAGE),
                new StreamScenario(
                        "text after a tool call",
                        List.of(Part.tool("call_c", "lookup", "{\"q\": 1}"), Part.text("Looked it up.")),
                        "tool_use",
                        USAGE),
                new StreamScenario("cut at max tokens", List.of(Part.text("The answer is")), "max_tokens", USAGE),
                new StreamScenario("refusal", List.of(Part.text("I can't help with that.")), "refusal", USAGE),
                new StreamScenario("empty answer", List.of(), "end_turn", USAGE));
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioThroughEveryPair() {
        List<DynamicTest> tests = new ArrayList<>();
        for (StreamScenario scenario : scenarios()) {
            for (Dialect upstream : StreamScenario.UPSTREAMS) {
                if (upstream == Dialect.OLLAMA && scenario.stop().equals("refusal")) continue; // Ollama has no refusal
                for (Dialect client : List.of(Dialect.ANTHROPIC, Dialect.OPENAI, Dialect.RESPONSES)) {
                    tests.add(DynamicTest.dynamicTest(
                            scenario.name() + ": " + upstream + " -> " + client,
                            () -> check(scenario, upstream, client)));
                }
            }
        }
        return tests.stream();
    }

    private static void check(StreamScenario scenario, Dialect upstream, Dialect client) throws Exception {
        StreamTranslator translator = StreamTranslator.of(upstream, client, "target-model", true);
        String wire = feed(translator, scenario.frames(upstream));
        assertThat(translator.complete()).as("complete").isTrue();
        assertThat(translator.failed()).as("failed").isFalse();
        Usage expectedUsage = scenario.usageThrough(upstream);
        assertThat(translator.usage()).as("translator usage").isEqualTo(expectedUsage);
        ClientStream seen;
        if (client == Dialect.ANTHROPIC) {
            AnthropicStreamOrder.check(wire);
            seen = ClientStream.ofAnthropic(wire);
            assertThat(seen.stop()).isEqualTo(scenario.stop());
            assertThat(seen.usage()).as("usage the client sees").isEqualTo(expectedUsage);
        } else if (client == Dialect.RESPONSES) {
            seen = ClientStream.ofResponses(wire); // checks the event order as it reads
            assertThat(seen.stop()).isEqualTo(scenario.stop().equals("tool_use") ? "end_turn" : scenario.stop());
            assertThat(seen.usage())
                    .as("usage the client sees")
                    .isEqualTo(new Usage(
                            expectedUsage.inputTokens() + expectedUsage.cacheWriteTokens(),
                            expectedUsage.outputTokens(),
                            expectedUsage.cacheReadTokens(),
                            0));
        } else {
            OpenAiStreamOrder.check(wire);
            seen = ClientStream.ofOpenAi(wire);
            assertThat(seen.stop())
                    .isEqualTo(
                            switch (scenario.stop()) {
                                case "max_tokens" -> "length";
                                case "tool_use" -> "tool_calls";
                                case "refusal" -> "content_filter";
                                default -> "stop";
                            });
            // OpenAI has no cache-write field: those tokens are plain prompt tokens to an OpenAI client
            assertThat(seen.usage())
                    .as("usage the client sees")
                    .isEqualTo(new Usage(
                            expectedUsage.inputTokens() + expectedUsage.cacheWriteTokens(),
                            expectedUsage.outputTokens(),
                            expectedUsage.cacheReadTokens(),
                            0));
        }
        if (upstream != client) {
            // the model that answered, as the upstream's frames name it, not the one the request named
            assertThat(wire)
                    .contains("\"model\":\"" + StreamScenario.answeredBy(upstream) + "\"")
                    .doesNotContain("target-model");
        }
        assertThat(seen.blocks()).hasSameSizeAs(scenario.parts());
        for (int i = 0; i < scenario.parts().size(); i++) {
            Part part = scenario.parts().get(i);
            ClientStream.Block block = seen.blocks().get(i);
            assertThat(block.kind()).as("block " + i).isEqualTo(part.kind());
            if (!part.kind().equals("tool_use")) {
                assertThat(block.text()).as("block " + i).isEqualTo(part.joined());
                continue;
            }
            assertThat(block.name()).isEqualTo(part.name());
            assertThat(MAPPER.readTree(block.text()))
                    .as("arguments of block " + i)
                    .isEqualTo(MAPPER.readTree(part.joined()));
            if (upstream == Dialect.OLLAMA)
                assertThat(block.id()).startsWith("toolu_").hasSizeGreaterThan(10);
            else assertThat(block.id()).isEqualTo(part.id());
        }
    }

    static String feed(StreamTranslator translator, List<SseEvent> frames) throws TranslationException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SseEvent frame : frames) out.writeBytes(translator.onFrame(frame));
        return out.toString(StandardCharsets.UTF_8);
    }
}
