package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UsageTest {
    static final String SYSTEM = "word ".repeat(8); // 40 characters: 10 tokens
    static final String USER = "text ".repeat(16); // 80 characters: 20 tokens
    static final String MARK = ",\"cache_control\":{\"type\":\"ephemeral\"}";
    static final String IMAGE =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    static FakeProvider provider;
    static Http http;

    @BeforeAll
    static void start() {
        provider = FakeProvider.builder().deltas(4).start();
        http = new Http(provider);
    }

    @AfterAll
    static void stop() {
        http.close();
        provider.close();
    }

    static String anthropic(String systemMark, String userMark) {
        return "{\"model\":\"claude-fake\",\"max_tokens\":100,\"system\":[{\"type\":\"text\",\"text\":\"" + SYSTEM
                + "\"" + systemMark
                + "}],\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + USER + "\""
                + userMark
                + "},{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
                + IMAGE + "\"}}]}]}";
    }

    static String openAi(String systemMark, String userMark) {
        return "{\"model\":\"gpt-fake\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\""
                + SYSTEM + "\""
                + systemMark + "}]},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + USER + "\""
                + userMark
                + "},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + IMAGE + "\"}}]}]}";
    }

    static final String OLLAMA =
            "{\"model\":\"llama3\",\"stream\":false,\"messages\":[{\"role\":\"system\",\"content\":\"" + SYSTEM
                    + "\"},{\"role\":\"user\",\"content\":\"" + USER + "\",\"images\":[\"" + IMAGE + "\"]}]}";

    @Test
    void theSameContentCountsTheSameInputTokensInEveryDialect() {
        JsonNode anthropic =
                Http.json(http.post("/v1/messages", anthropic("", "")).body()).path("usage");
        JsonNode openAi = Http.json(
                        http.post("/v1/chat/completions", openAi("", "")).body())
                .path("usage");
        JsonNode ollama = Http.json(http.post("/api/chat", OLLAMA).body());
        String countBody = anthropic("", "").replace("\"max_tokens\":100,", "");
        JsonNode counted =
                Http.json(http.post("/v1/messages/count_tokens", countBody).body());

        assertThat(anthropic.path("input_tokens").asInt()).isEqualTo(30);
        assertThat(anthropic.has("cache_read_input_tokens")).isFalse();
        assertThat(openAi.path("prompt_tokens").asInt()).isEqualTo(30);
        assertThat(openAi.path("prompt_tokens_details").path("cached_tokens").asInt())
                .isZero();
        assertThat(ollama.path("prompt_eval_count").asInt()).isEqualTo(30);
        assertThat(counted.path("input_tokens").asInt()).isEqualTo(30);
        assertThat(anthropic.path("output_tokens").asInt()).isEqualTo(4);
        assertThat(openAi.path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(openAi.path("total_tokens").asInt()).isEqualTo(34);
        assertThat(ollama.path("eval_count").asInt()).isEqualTo(4);
    }

    @Test
    void oneCacheMarkWritesThePrefixUpToIt() {
        JsonNode usage =
                Http.json(http.post("/v1/messages", anthropic(MARK, "")).body()).path("usage");

        assertThat(usage.path("cache_creation_input_tokens").asInt()).isEqualTo(10);
        assertThat(usage.path("cache_read_input_tokens").asInt()).isZero();
        assertThat(usage.path("input_tokens").asInt()).isEqualTo(20);
    }

    @Test
    void twoCacheMarksReadThePrefixUpToTheFirstAndWriteTheRest() {
        JsonNode usage = Http.json(
                        http.post("/v1/messages", anthropic(MARK, MARK)).body())
                .path("usage");
        assertThat(usage.path("cache_read_input_tokens").asInt()).isEqualTo(10);
        assertThat(usage.path("cache_creation_input_tokens").asInt()).isEqualTo(20);
        assertThat(usage.path("input_tokens").asInt()).isZero();

        String stream = http.post(
                        "/v1/messages", anthropic(MARK, MARK).replace("\"messages\"", "\"stream\":true,\"messages\""))
                .body();
        JsonNode start =
                Http.json(Http.sse(stream).get(0).getValue()).path("message").path("usage");
        assertThat(start.path("input_tokens").asInt()).isZero();
        assertThat(start.path("cache_read_input_tokens").asInt()).isEqualTo(10);
        assertThat(start.path("cache_creation_input_tokens").asInt()).isEqualTo(20);

        JsonNode openAi = Http.json(
                        http.post("/v1/chat/completions", openAi(MARK, MARK)).body())
                .path("usage");
        assertThat(openAi.path("prompt_tokens").asInt()).isEqualTo(30);
        assertThat(openAi.path("prompt_tokens_details").path("cached_tokens").asInt())
                .isEqualTo(10);
    }

    @Test
    void openAiStreamUsageIsOnlyInTheLastChunkWithEmptyChoices() {
        String request = openAi(MARK, MARK)
                .replace("\"messages\"", "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\"");
        List<Map.Entry<String, String>> events =
                Http.sse(http.post("/v1/chat/completions", request).body());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream()
                .map(e -> Http.json(e.getValue()))
                .toList();

        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> {
            assertThat(c.path("usage").isNull()).isTrue();
            assertThat(c.path("choices")).hasSize(1);
        });
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("choices")).isEmpty();
        assertThat(last.path("usage").path("prompt_tokens").asInt()).isEqualTo(30);
        assertThat(last.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(last.path("usage")
                        .path("prompt_tokens_details")
                        .path("cached_tokens")
                        .asInt())
                .isEqualTo(10);

        String without = request.replace("\"stream_options\":{\"include_usage\":true},", "");
        assertThat(http.post("/v1/chat/completions", without).body()).doesNotContain("usage");
    }

    @Test
    void ollamaStreamCountsOnTheDoneLine() {
        String[] lines = http.post("/api/chat", OLLAMA.replace("\"stream\":false,", ""))
                .body()
                .split("\n");
        JsonNode done = Http.json(lines[lines.length - 1]);
        assertThat(done.path("prompt_eval_count").asInt()).isEqualTo(30);
        assertThat(done.path("eval_count").asInt()).isEqualTo(4);
        assertThat(Arrays.stream(lines, 0, lines.length - 1).map(Http::json))
                .allSatisfy(l -> assertThat(l.has("eval_count")).isFalse());
    }
}
