package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scripted Bash tool loop: call Bash with the {@code run:} command, then quote its result. */
class BashToolLoopTest {
    static final String ANTHROPIC_TOOLS = "\"tools\":[{\"name\":\"Read\",\"input_schema\":{\"type\":\"object\","
            + "\"properties\":{\"file_path\":{\"type\":\"string\"}}}},{\"name\":\"Bash\",\"input_schema\":{\"type\":\"object\","
            + "\"properties\":{\"command\":{\"type\":\"string\"},\"timeout\":{\"type\":\"number\"}}}}]";
    static final String FUNCTIONS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"Read\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"file_path\":{\"type\":\"string\"}}}}},"
            + "{\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"parameters\":{\"type\":\"object\",\"properties\":"
            + "{\"command\":{\"type\":\"string\"}}}}}]";

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
    void anthropicCallsBashWithTheRunLineAcrossTextBlocksInPieces() {
        String request = "{\"model\":\"m\",\"max_tokens\":100,\"stream\":true," + ANTHROPIC_TOOLS
                + ",\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"<system-reminder>x</system-reminder>\"},"
                + "{\"type\":\"text\",\"text\":\"Please do it.\\nrun: echo hi > a.txt  \\nthanks\"}]}]}";
        List<Map.Entry<String, String>> events =
                Http.sse(http.post("/v1/messages", request).body());
        List<JsonNode> starts = events.stream()
                .filter(e -> e.getKey().equals("content_block_start"))
                .map(e -> Http.json(e.getValue()))
                .toList();
        assertThat(starts)
                .singleElement()
                .satisfies(s -> assertThat(s.path("content_block").path("name").asText())
                        .isEqualTo("Bash"));
        List<String> pieces = events.stream()
                .filter(e -> e.getKey().equals("content_block_delta"))
                .map(e -> Http.json(e.getValue())
                        .path("delta")
                        .path("partial_json")
                        .asText())
                .toList();
        assertThat(pieces).hasSizeGreaterThan(1);
        assertThat(Http.json(String.join("", pieces)).toString()).isEqualTo("{\"command\":\"echo hi > a.txt\"}");

        String whole = request.replace("\"stream\":true,", "").replace("run: echo hi > a.txt  \\n", "");
        JsonNode content = Http.json(http.post("/v1/messages", whole).body()).path("content");
        assertThat(content).singleElement().satisfies(b -> {
            assertThat(b.path("name").asText()).isEqualTo("Bash");
            assertThat(b.path("input").path("command").asText()).isEqualTo(Tools.DEFAULT_COMMAND);
        });
    }

    @Test
    void anthropicQuotesTheToolResultAndCallsNothingOnceAnswered() {
        String request = "{\"model\":\"m\",\"max_tokens\":100," + ANTHROPIC_TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"run: echo hi\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"Bash\",\"input\":{\"command\":\"echo hi\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":\"hi there\"}]}]}";
        JsonNode answer = Http.json(http.post("/v1/messages", request).body());
        assertThat(answer.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(answer.path("content"))
                .singleElement()
                .satisfies(b -> assertThat(b.path("text").asText()).isEqualTo("tool said: hi there"));

        String later = request.replace(
                "]}]}", "]},{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"again\"}]}");
        JsonNode next = Http.json(http.post("/v1/messages", later).body());
        assertThat(next.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(next.path("content").get(0).path("type").asText()).isEqualTo("text");
    }

    @Test
    void openAiStreamsTheBashCallAndQuotesTheToolMessage() {
        String request = "{\"model\":\"m\",\"stream\":true," + FUNCTIONS
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"run: ls -la\"}]}";
        List<JsonNode> calls = Http.sse(
                        http.post("/v1/chat/completions", request).body())
                .stream()
                .filter(e -> !e.getValue().equals("[DONE]"))
                .map(e -> Http.json(e.getValue())
                        .path("choices")
                        .path(0)
                        .path("delta")
                        .path("tool_calls"))
                .filter(JsonNode::isArray)
                .map(a -> a.get(0))
                .toList();
        assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("Bash");
        StringBuilder arguments = new StringBuilder();
        calls.forEach(c -> arguments.append(c.path("function").path("arguments").asText()));
        assertThat(Http.json(arguments.toString()).path("command").asText()).isEqualTo("ls -la");

        String answered =
                "{\"model\":\"m\"," + FUNCTIONS + ",\"messages\":[{\"role\":\"user\",\"content\":\"run: ls\"},"
                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"Bash\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"a.txt\"}]}";
        JsonNode message = Http.json(http.post("/v1/chat/completions", answered).body())
                .path("choices")
                .get(0)
                .path("message");
        assertThat(message.path("content").asText()).isEqualTo("tool said: a.txt");
        assertThat(message.has("tool_calls")).isFalse();
    }

    @Test
    void ollamaCallsBashWithAnObjectThenQuotes() {
        String request = "{\"model\":\"llama3\"," + FUNCTIONS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"go\\nrun: pwd\"}]}";
        JsonNode calls = Http.json(http.post("/api/chat", request).body().split("\n")[0])
                .path("message")
                .path("tool_calls");
        assertThat(calls).singleElement().satisfies(c -> {
            assertThat(c.path("function").path("name").asText()).isEqualTo("Bash");
            assertThat(c.path("function").path("arguments").path("command").asText())
                    .isEqualTo("pwd");
        });
        String answered = request.replace(
                "}]}",
                "},{\"role\":\"assistant\",\"content\":\"\"},{\"role\":\"tool\",\"content\":\"/tmp\"}],\"stream\":false}");
        assertThat(Http.json(http.post("/api/chat", answered).body())
                        .path("message")
                        .path("content")
                        .asText())
                .isEqualTo("tool said: /tmp");
    }

    @Test
    void withoutBashOrWithAnotherToolForcedTheGenericCallStays() {
        String named = "{\"model\":\"m\",\"max_tokens\":100," + ANTHROPIC_TOOLS
                + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"Read\"},\"messages\":[{\"role\":\"user\",\"content\":\"run: x\"}]}";
        assertThat(Http.json(http.post("/v1/messages", named).body())
                        .path("content")
                        .get(0)
                        .path("input")
                        .toString())
                .isEqualTo("{\"file_path\":\"sluice\"}");
    }
}
