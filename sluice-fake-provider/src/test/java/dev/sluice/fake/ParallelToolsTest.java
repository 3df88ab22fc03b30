package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ParallelToolsTest {
    static final String FUNCTIONS =
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":"
                    + "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"},\"k\":{\"type\":\"integer\"}}}}},"
                    + "{\"type\":\"function\",\"function\":{\"name\":\"fetch\",\"parameters\":{\"type\":\"object\",\"properties\":"
                    + "{\"url\":{\"type\":\"string\"}}}}}]";
    static final String PARALLEL = "\"messages\":[{\"role\":\"user\",\"content\":\"look up and fetch in Parallel\"}]";

    static FakeProvider provider;
    static Http http;

    @BeforeAll
    static void start() {
        provider = FakeProvider.builder().start();
        http = new Http(provider);
    }

    @AfterAll
    static void stop() {
        http.close();
        provider.close();
    }

    @Test
    void anthropicStreamsTwoToolUseBlocksEachInPieces() {
        String request = "{\"model\":\"m\",\"max_tokens\":100,\"stream\":true," + AnthropicProtocolTest.TOOLS + ","
                + PARALLEL + "}";
        List<Map.Entry<String, String>> events =
                Http.sse(http.post("/v1/messages", request).body());

        List<JsonNode> starts = events.stream()
                .filter(e -> e.getKey().equals("content_block_start"))
                .map(e -> Http.json(e.getValue()))
                .toList();
        assertThat(starts).hasSize(2);
        assertThat(starts.get(0).path("content_block").path("name").asText()).isEqualTo("get_weather");
        assertThat(starts.get(1).path("index").asInt()).isEqualTo(1);
        assertThat(starts.get(1).path("content_block").path("name").asText()).isEqualTo("other");
        assertThat(starts.get(1).path("content_block").path("id").asText())
                .isNotEqualTo(starts.get(0).path("content_block").path("id").asText());
        for (int index = 0; index < 2; index++) {
            int block = index;
            List<String> pieces = events.stream()
                    .filter(e -> e.getKey().equals("content_block_delta"))
                    .map(e -> Http.json(e.getValue()))
                    .filter(d -> d.path("index").asInt() == block)
                    .map(d -> d.path("delta").path("partial_json").asText())
                    .toList();
            assertThat(pieces).hasSizeGreaterThan(1);
            assertThat(Http.json(String.join("", pieces)).isObject()).isTrue();
        }
        String disabled = request.replace(
                        "\"messages\"",
                        "\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":true},\"messages\"")
                .replace("\"stream\":true,", "");
        assertThat(Http.json(http.post("/v1/messages", disabled).body()).path("content"))
                .hasSize(1);
    }

    @Test
    void openAiStreamsTheSecondCallWithItsOwnIndexIdAndName() {
        String request = "{\"model\":\"m\",\"stream\":true," + FUNCTIONS + "," + PARALLEL + "}";
        List<JsonNode> calls = Http.sse(
                        http.post("/v1/chat/completions", request).body())
                .stream()
                .filter(e -> !e.getValue().equals("[DONE]"))
                .map(e -> Http.json(e.getValue())
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("tool_calls"))
                .filter(JsonNode::isArray)
                .map(a -> a.get(0))
                .toList();

        List<JsonNode> headers = calls.stream().filter(c -> c.has("id")).toList();
        assertThat(headers).hasSize(2);
        assertThat(headers.get(1).path("index").asInt()).isEqualTo(1);
        assertThat(headers.get(1).path("type").asText()).isEqualTo("function");
        assertThat(headers.get(1).path("function").path("name").asText()).isEqualTo("fetch");
        StringBuilder second = new StringBuilder();
        calls.stream()
                .filter(c -> c.path("index").asInt() == 1)
                .forEach(c -> second.append(c.path("function").path("arguments").asText()));
        assertThat(Http.json(second.toString()).toString()).isEqualTo("{\"url\":\"sluice\"}");
        assertThat(calls.stream()
                        .filter(c -> c.path("index").asInt() == 1 && !c.has("id"))
                        .count())
                .isGreaterThan(1);

        String whole = request.replace("\"stream\":true,", "");
        JsonNode message = Http.json(http.post("/v1/chat/completions", whole).body())
                .path("choices")
                .get(0)
                .path("message");
        assertThat(message.path("tool_calls")).hasSize(2);
        String single = whole.replace("\"messages\"", "\"parallel_tool_calls\":false,\"messages\"");
        assertThat(Http.json(http.post("/v1/chat/completions", single).body())
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("tool_calls"))
                .hasSize(1);
    }

    @Test
    void ollamaSendsBothCallsInOneLine() {
        String request = "{\"model\":\"llama3\"," + FUNCTIONS + "," + PARALLEL + "}";
        String[] lines = http.post("/api/chat", request).body().split("\n");

        assertThat(lines).hasSize(2);
        JsonNode calls = Http.json(lines[0]).path("message").path("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).path("function").path("arguments").path("url").asText())
                .isEqualTo("sluice");
    }

    @Test
    void withoutTheWordOrWithOneToolThereIsOneCall() {
        String plain = "{\"model\":\"m\"," + FUNCTIONS + ",\"messages\":[{\"role\":\"user\",\"content\":\"look up\"}]}";
        assertThat(toolCalls(plain)).hasSize(1);
        String oneTool = "{\"model\":\"m\"," + OpenAiAndOllamaProtocolTest.FUNCTIONS + "," + PARALLEL + "}";
        assertThat(toolCalls(oneTool)).hasSize(1);
        String named = "{\"model\":\"m\"," + FUNCTIONS
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"fetch\"}}," + PARALLEL + "}";
        assertThat(toolCalls(named))
                .singleElement()
                .satisfies(c ->
                        assertThat(c.path("function").path("name").asText()).isEqualTo("fetch"));
    }

    private static JsonNode toolCalls(String request) {
        return Http.json(http.post("/v1/chat/completions", request).body())
                .path("choices")
                .get(0)
                .path("message")
                .path("tool_calls");
    }

    @Test
    void parallelToolResultsAreAllQuotedInTheAnswer() {
        String openAi =
                "{\"model\":\"m\"," + FUNCTIONS + ",\"messages\":[{\"role\":\"user\",\"content\":\"in parallel\"},"
                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"a\",\"content\":\"first result\"},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"b\",\"content\":[{\"type\":\"text\",\"text\":\"second result\"}]}]}";
        String text = Http.json(http.post("/v1/chat/completions", openAi).body())
                .path("choices")
                .get(0)
                .path("message")
                .path("content")
                .asText();
        assertThat(text).contains("first result").contains("second result");

        String ollama = openAi.replace("\"model\":\"m\"", "\"model\":\"llama3\",\"stream\":false");
        assertThat(Http.json(http.post("/api/chat", ollama).body())
                        .path("message")
                        .path("content")
                        .asText())
                .contains("first result; second result");

        String anthropic = "{\"model\":\"m\",\"max_tokens\":100," + AnthropicProtocolTest.TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"in parallel\"},{\"role\":\"assistant\",\"content\":[]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"a\",\"content\":\"sunny\"},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"b\",\"content\":[{\"type\":\"text\",\"text\":\"42\"}]}]}]}";
        JsonNode message = Http.json(http.post("/v1/messages", anthropic).body());
        assertThat(message.path("content").get(0).path("text").asText()).contains("sunny; 42");
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
    }
}
