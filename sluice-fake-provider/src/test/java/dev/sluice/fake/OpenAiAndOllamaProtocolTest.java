package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenAiAndOllamaProtocolTest {
    static final String FUNCTIONS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"},\"k\":{\"type\":\"integer\"}}}}}]";

    static FakeProvider provider;
    static Http http;

    @BeforeAll
    static void start() {
        provider = FakeProvider.builder().deltas(6).start();
        http = new Http(provider);
    }

    @AfterAll
    static void stop() {
        http.close();
        provider.close();
    }

    private static List<JsonNode> chunks(String body) {
        List<Map.Entry<String, String>> events = Http.sse(body);
        assertThat(events).allSatisfy(e -> assertThat(e.getKey()).isEmpty());
        assertThat(events.get(events.size() - 1).getValue()).isEqualTo("[DONE]");
        return events.subList(0, events.size() - 1).stream()
                .map(e -> Http.json(e.getValue()))
                .toList();
    }

    @Test
    void openAiStreamHasRoleFirstFinishReasonAndDone() {
        String body = http.post("/v1/chat/completions", Http.HELLO_OPENAI.replace("}]}", "}],\"stream\":true}"))
                .body();

        List<JsonNode> chunks = chunks(body);
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.get(0)
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("role")
                        .asText())
                .isEqualTo("assistant");
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(last.has("usage")).isFalse();
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(
                c.path("choices").get(0).path("delta").path("content").asText("")));
        assertThat(text.toString().split(" ")).hasSize(6);
    }

    @Test
    void openAiStreamCarriesUsageWhenAsked() {
        String request =
                Http.HELLO_OPENAI.replace("}]}", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        List<JsonNode> chunks =
                chunks(http.post("/v1/chat/completions", request).body());

        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(usage.path("usage").path("total_tokens").asInt())
                .isEqualTo(6 + usage.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void openAiToolCallsStreamArgumentsInPieces() {
        String request = "{\"model\":\"m\",\"stream\":true," + FUNCTIONS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"find\"}]}";
        List<JsonNode> chunks =
                chunks(http.post("/v1/chat/completions", request).body());

        JsonNode first = chunks.get(0)
                .path("choices")
                .get(0)
                .path("delta")
                .path("tool_calls")
                .get(0);
        assertThat(first.path("index").asInt()).isZero();
        assertThat(first.path("id").asText()).startsWith("call_fake_");
        assertThat(first.path("type").asText()).isEqualTo("function");
        assertThat(first.path("function").path("name").asText()).isEqualTo("lookup");
        StringBuilder arguments = new StringBuilder();
        chunks.subList(1, chunks.size() - 1)
                .forEach(c -> arguments.append(c.path("choices")
                        .get(0)
                        .path("delta")
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("arguments")
                        .asText()));
        assertThat(chunks.size() - 2).isGreaterThan(1);
        assertThat(Http.json(arguments.toString()).toString()).isEqualTo("{\"q\":\"sluice\",\"k\":42}");
        assertThat(chunks.get(chunks.size() - 1)
                        .path("choices")
                        .get(0)
                        .path("finish_reason")
                        .asText())
                .isEqualTo("tool_calls");
    }

    @Test
    void openAiNonStreamedAnswerAndLengthCap() {
        JsonNode completion =
                Http.json(http.post("/v1/chat/completions", Http.HELLO_OPENAI).body());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("choices").get(0).path("finish_reason").asText())
                .isEqualTo("stop");
        assertThat(completion.path("usage").path("completion_tokens").asInt()).isEqualTo(6);

        JsonNode capped =
                Http.json(http.post("/v1/chat/completions", Http.HELLO_OPENAI.replace("}]}", "}],\"max_tokens\":2}"))
                        .body());
        assertThat(capped.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(capped.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void openAiToolMessageIsAnsweredWithItsText() {
        String request = "{\"model\":\"m\"," + FUNCTIONS + ",\"messages\":[{\"role\":\"user\",\"content\":\"find\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"42 results\"}]}";
        JsonNode completion =
                Http.json(http.post("/v1/chat/completions", request).body());
        assertThat(completion
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .asText())
                .contains("42 results");
    }

    @Test
    void openAiMissingModelIsAnOpenAiError() {
        HttpResponse<String> response = http.post("/v1/chat/completions", "{\"messages\":[]}");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Http.json(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains("model");
        assertThat(error.has("code")).isTrue();
    }

    @Test
    void ollamaStreamsNdjsonByDefaultEndingWithDone() {
        HttpResponse<String> response = http.post(
                "/api/chat", "{\"model\":\"llama3\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");

        assertThat(response.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        List<JsonNode> lines =
                Arrays.stream(response.body().split("\n")).map(Http::json).toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.subList(0, 6)).allSatisfy(l -> {
            assertThat(l.path("done").asBoolean(true)).isFalse();
            assertThat(l.path("model").asText()).isEqualTo("llama3");
            assertThat(l.path("message").path("role").asText()).isEqualTo("assistant");
        });
        JsonNode done = lines.get(6);
        assertThat(done.path("done").asBoolean()).isTrue();
        assertThat(done.path("done_reason").asText()).isEqualTo("stop");
        assertThat(done.path("prompt_eval_count").asInt()).isPositive();
        assertThat(done.path("eval_count").asInt()).isEqualTo(6);
    }

    @Test
    void ollamaAnswersWholeWhenStreamIsFalse() {
        JsonNode answer = Http.json(http.post(
                        "/api/chat",
                        "{\"model\":\"llama3\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
                .body());
        assertThat(answer.path("done").asBoolean()).isTrue();
        assertThat(answer.path("message").path("content").asText().split(" ")).hasSize(6);
        assertThat(answer.path("eval_count").asInt()).isEqualTo(6);
    }

    @Test
    void ollamaToolCallCarriesArgumentsAsAnObject() {
        JsonNode answer = Http.json(http.post(
                        "/api/chat",
                        "{\"model\":\"llama3\",\"stream\":false," + FUNCTIONS
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"find\"}]}")
                .body());
        JsonNode call = answer.path("message").path("tool_calls").get(0).path("function");
        assertThat(call.path("name").asText()).isEqualTo("lookup");
        assertThat(call.path("arguments").path("k").asInt()).isEqualTo(42);
    }

    @Test
    void sameRequestGivesTheSameBytesInEveryDialect() {
        String openAi = Http.HELLO_OPENAI.replace("}]}", "}],\"stream\":true}");
        assertThat(http.post("/v1/chat/completions", openAi).body())
                .isEqualTo(http.post("/v1/chat/completions", openAi).body());
        String ollama = "{\"model\":\"llama3\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        assertThat(http.post("/api/chat", ollama).body())
                .isEqualTo(http.post("/api/chat", ollama).body());
    }
}
