package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scripted tool loop over Codex's shell tools: arguments shaped by each tool's schema. */
class ShellToolLoopTest {
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

    static String function(String name, String properties) {
        return "{\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":" + properties + "}}}";
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "shell|{\"command\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"workdir\":{\"type\":\"string\"}}|{\"command\":[\"bash\",\"-lc\",\"ls -la\"]}",
                "local_shell|{\"command\":{\"type\":\"array\"}}|{\"command\":[\"bash\",\"-lc\",\"ls -la\"]}",
                "shell_command|{\"command\":{\"type\":\"string\"},\"workdir\":{\"type\":\"string\"}}|{\"command\":\"ls -la\"}",
                "exec_command|{\"cmd\":{\"type\":\"string\"},\"yield_time_ms\":{\"type\":\"number\"}}|{\"cmd\":\"ls -la\"}",
                "shell|{}|{\"command\":\"ls -la\"}",
            })
    void openAiCallsTheShellToolWithArgumentsShapedByItsSchema(String name, String properties, String arguments) {
        String request = "{\"model\":\"m\",\"tools\":[" + function("Read", "{\"path\":{\"type\":\"string\"}}") + ","
                + function(name, properties)
                + "],\"messages\":[{\"role\":\"user\",\"content\":\"do it\\nrun: ls -la\"}]}";
        JsonNode calls = Http.json(http.post("/v1/chat/completions", request).body())
                .path("choices")
                .get(0)
                .path("message")
                .path("tool_calls");
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.path("function").path("name").asText()).isEqualTo(name);
            assertThat(call.path("function").path("arguments").asText()).isEqualTo(arguments);
        });

        String answered = request.substring(0, request.length() - 2)
                + ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\","
                + "\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"total 0\"}]}";
        JsonNode message = Http.json(http.post("/v1/chat/completions", answered).body())
                .path("choices")
                .get(0)
                .path("message");
        assertThat(message.path("content").asText()).isEqualTo("tool said: total 0");
        assertThat(message.has("tool_calls")).isFalse();
    }

    @Test
    void anthropicAndOllamaLoopOverShellToolsToo() {
        String anthropic = "{\"model\":\"m\",\"max_tokens\":100,\"tools\":[{\"name\":\"exec_command\",\"input_schema\":"
                + "{\"type\":\"object\",\"properties\":{\"cmd\":{\"type\":\"string\"}}}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"run: pwd\"}]}";
        assertThat(Http.json(http.post("/v1/messages", anthropic).body())
                        .path("content")
                        .get(0)
                        .path("input")
                        .toString())
                .isEqualTo("{\"cmd\":\"pwd\"}");

        String ollama = "{\"model\":\"m\",\"stream\":false,\"tools\":["
                + function("shell", "{\"command\":{\"type\":\"array\"}}")
                + "],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        JsonNode call = Http.json(http.post("/api/chat", ollama).body())
                .path("message")
                .path("tool_calls")
                .get(0);
        assertThat(call.path("function").path("arguments").path("command").toString())
                .isEqualTo("[\"bash\",\"-lc\",\"" + Tools.DEFAULT_COMMAND + "\"]");
    }

    @Test
    void aNamedNonShellToolOrToolsOffLeaveTheLoop() {
        String tools = "\"tools\":[" + function("Read", "{\"path\":{\"type\":\"string\"}}") + ","
                + function("shell_command", "{\"command\":{\"type\":\"string\"}}") + "]";
        String named = "{\"model\":\"m\"," + tools
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"Read\"}},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"run: x\"}]}";
        assertThat(Http.json(http.post("/v1/chat/completions", named).body())
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("arguments")
                        .asText())
                .isEqualTo("{\"path\":\"sluice\"}");
        String off = named.replace("{\"type\":\"function\",\"function\":{\"name\":\"Read\"}}", "\"none\"");
        assertThat(Http.json(http.post("/v1/chat/completions", off).body())
                        .path("choices")
                        .get(0)
                        .path("message")
                        .has("tool_calls"))
                .isFalse();
    }
}
