package dev.sluice.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.Translate;
import dev.sluice.gateway.translate.TranslationException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Translating a request (Anthropic to OpenAI) and a 64-chunk OpenAI stream into Anthropic events. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TranslationBenchmark {

    JsonNode request;
    List<SseEvent> chunks;

    @Setup
    public void setup() throws Exception {
        request = Translate.mapper()
                .readTree("{\"model\":\"m\",\"max_tokens\":256,\"system\":\"be brief\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"},{\"role\":\"assistant\",\"content\":\"hi\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"weather?\"}]}],"
                        + "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]}");
        chunks = new ArrayList<>();
        chunks.add(new SseEvent(
                "message",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"));
        for (int i = 0; i < 64; i++) {
            chunks.add(new SseEvent(
                    "message",
                    "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" w" + i + "\"}}]}"));
        }
        chunks.add(new SseEvent(
                "message",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"));
        chunks.add(
                new SseEvent(
                        "message",
                        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\","
                                + "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":64,\"total_tokens\":74}}"));
        chunks.add(new SseEvent("message", "[DONE]"));
    }

    @Benchmark
    public Object anthropicRequestToOpenAi() throws TranslationException {
        return Translate.anthropicRequestToOpenAi(request);
    }

    @Benchmark
    public int openAiStreamToAnthropic() throws TranslationException {
        StreamTranslator t = StreamTranslator.of(Dialect.OPENAI, Dialect.ANTHROPIC, "m", false);
        int bytes = 0;
        for (SseEvent e : chunks) {
            bytes += t.onFrame(e).length;
        }
        return bytes;
    }
}
