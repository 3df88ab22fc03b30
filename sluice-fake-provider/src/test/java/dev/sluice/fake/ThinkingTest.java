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

class ThinkingTest {
    static final int THINKING_TOKENS = Answer.THINKING_TEXT.split(" ").length;
    static final String ANTHROPIC = "{\"model\":\"claude-fake\",\"max_tokens\":4000,"
            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000},\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    static final String OPENAI =
            "{\"model\":\"o-fake\",\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    static final String OLLAMA =
            "{\"model\":\"qwen3\",\"think\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

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

    private static String streamed(String body) {
        return body.replace("\"messages\"", "\"stream\":true,\"messages\"");
    }

    @Test
    void anthropicStreamsAThinkingBlockWithSignatureBeforeTheText() {
        List<Map.Entry<String, String>> events =
                Http.sse(http.post("/v1/messages", streamed(ANTHROPIC)).body());

        List<String> names = events.stream().map(Map.Entry::getKey).toList();
        assertThat(names.subList(0, 3)).containsExactly("message_start", "content_block_start", "ping");
        JsonNode thinkingStart = Http.json(events.get(1).getValue());
        assertThat(thinkingStart.path("index").asInt()).isZero();
        assertThat(thinkingStart.path("content_block").toString())
                .isEqualTo("{\"type\":\"thinking\",\"thinking\":\"\"}");
        List<JsonNode> deltas = events.stream()
                .filter(e -> e.getKey().equals("content_block_delta"))
                .map(e -> Http.json(e.getValue()))
                .toList();
        List<JsonNode> thinking = deltas.subList(0, THINKING_TOKENS);
        assertThat(thinking).allSatisfy(d -> {
            assertThat(d.path("index").asInt()).isZero();
            assertThat(d.path("delta").path("type").asText()).isEqualTo("thinking_delta");
        });
        assertThat(String.join(
                        "",
                        thinking.stream()
                                .map(d -> d.path("delta").path("thinking").asText())
                                .toList()))
                .isEqualTo(Answer.THINKING_TEXT);
        JsonNode signature = deltas.get(THINKING_TOKENS);
        assertThat(signature.path("delta").path("type").asText()).isEqualTo("signature_delta");
        assertThat(signature.path("delta").path("signature").asText()).isNotBlank();
        int stop = names.indexOf("content_block_stop");
        assertThat(Http.json(events.get(stop).getValue()).path("index").asInt()).isZero();
        JsonNode textStart = Http.json(events.get(stop + 1).getValue());
        assertThat(textStart.path("index").asInt()).isEqualTo(1);
        assertThat(textStart.path("content_block").path("type").asText()).isEqualTo("text");
        assertThat(deltas.subList(THINKING_TOKENS + 1, deltas.size()))
                .hasSize(6)
                .allSatisfy(
                        d -> assertThat(d.path("delta").path("type").asText()).isEqualTo("text_delta"));
        JsonNode messageDelta = Http.json(events.get(events.size() - 2).getValue());
        assertThat(messageDelta.path("usage").path("output_tokens").asInt()).isEqualTo(THINKING_TOKENS + 6);
    }

    @Test
    void anthropicNonStreamedAnswerStartsWithASignedThinkingBlock() {
        JsonNode message = Http.json(http.post("/v1/messages", ANTHROPIC).body());

        JsonNode thinking = message.path("content").get(0);
        assertThat(thinking.path("type").asText()).isEqualTo("thinking");
        assertThat(thinking.path("thinking").asText()).isEqualTo(Answer.THINKING_TEXT);
        assertThat(thinking.path("signature").asText()).isNotBlank();
        assertThat(Http.json(http.post("/v1/messages", ANTHROPIC).body())
                        .path("content")
                        .get(0)
                        .path("signature")
                        .asText())
                .isEqualTo(thinking.path("signature").asText());
        assertThat(message.path("content").get(1).path("type").asText()).isEqualTo("text");
        assertThat(message.path("usage").path("output_tokens").asInt()).isEqualTo(THINKING_TOKENS + 6);

        JsonNode disabled = Http.json(http.post(
                        "/v1/messages",
                        ANTHROPIC.replace("{\"type\":\"enabled\",\"budget_tokens\":2000}", "{\"type\":\"disabled\"}"))
                .body());
        assertThat(disabled.path("content")).hasSize(1);
        assertThat(disabled.path("content").get(0).path("type").asText()).isEqualTo("text");
    }

    @Test
    void anthropicRefusesABadThinkingBudgetAsTheApiDoes() {
        assertRefused(ANTHROPIC.replace("2000", "100"), "budget_tokens");
        assertRefused(ANTHROPIC.replace("\"max_tokens\":4000", "\"max_tokens\":2000"), "budget_tokens");
        assertRefused(ANTHROPIC.replace(",\"budget_tokens\":2000", ""), "budget_tokens");
        assertRefused(ANTHROPIC.replace("enabled", "sometimes"), "thinking.type");
    }

    private static void assertRefused(String body, String field) {
        HttpResponse<String> response = http.post("/v1/messages", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response.body()).path("error").path("message").asText())
                .contains(field);
    }

    @Test
    void openAiReasoningContentComesBeforeTheContent() {
        JsonNode message = Http.json(http.post("/v1/chat/completions", OPENAI).body());
        JsonNode choice = message.path("choices").get(0).path("message");
        assertThat(choice.path("reasoning_content").asText()).isEqualTo(Answer.THINKING_TEXT);
        assertThat(choice.path("content").asText().split(" ")).hasSize(6);
        assertThat(message.path("usage").path("completion_tokens").asInt()).isEqualTo(THINKING_TOKENS + 6);
        assertThat(message.path("usage")
                        .path("completion_tokens_details")
                        .path("reasoning_tokens")
                        .asInt())
                .isEqualTo(THINKING_TOKENS);

        String stream = http.post("/v1/chat/completions", streamed(OPENAI)).body();
        List<JsonNode> deltas = Http.sse(stream).stream()
                .filter(e -> !e.getValue().equals("[DONE]"))
                .map(e -> Http.json(e.getValue()).path("choices").get(0).path("delta"))
                .toList();
        assertThat(deltas.get(0).path("role").asText()).isEqualTo("assistant");
        List<JsonNode> reasoning = deltas.subList(1, 1 + THINKING_TOKENS);
        assertThat(String.join(
                        "",
                        reasoning.stream()
                                .map(d -> d.path("reasoning_content").asText())
                                .toList()))
                .isEqualTo(Answer.THINKING_TEXT);
        assertThat(reasoning).allSatisfy(d -> assertThat(d.has("content")).isFalse());
        assertThat(deltas.subList(1 + THINKING_TOKENS, 7 + THINKING_TOKENS))
                .allSatisfy(d -> assertThat(d.path("content").asText()).isNotEmpty());

        JsonNode none = Http.json(
                http.post("/v1/chat/completions", OPENAI.replace("low", "none")).body());
        assertThat(none.path("choices").get(0).path("message").has("reasoning_content"))
                .isFalse();
    }

    @Test
    void ollamaThinkingLinesComeBeforeTheContentLines() {
        JsonNode whole = Http.json(http.post("/api/chat", OLLAMA.replace("\"think\"", "\"stream\":false,\"think\""))
                .body());
        assertThat(whole.path("message").path("thinking").asText()).isEqualTo(Answer.THINKING_TEXT);
        assertThat(whole.path("eval_count").asInt()).isEqualTo(THINKING_TOKENS + 6);

        List<JsonNode> lines = Arrays.stream(
                        http.post("/api/chat", OLLAMA).body().split("\n"))
                .map(Http::json)
                .toList();
        assertThat(lines).hasSize(THINKING_TOKENS + 6 + 1);
        assertThat(lines.subList(0, THINKING_TOKENS)).allSatisfy(l -> {
            assertThat(l.path("message").path("thinking").asText()).isNotEmpty();
            assertThat(l.path("message").path("content").asText()).isEmpty();
        });
        assertThat(lines.subList(THINKING_TOKENS, THINKING_TOKENS + 6)).allSatisfy(l -> {
            assertThat(l.path("message").has("thinking")).isFalse();
            assertThat(l.path("message").path("content").asText()).isNotEmpty();
        });
        assertThat(lines.get(lines.size() - 1).path("eval_count").asInt()).isEqualTo(THINKING_TOKENS + 6);
    }

    @Test
    void thinkingBeforeAToolCallInEveryDialect() {
        String tools = OpenAiAndOllamaProtocolTest.FUNCTIONS + ",\"messages\"";
        List<JsonNode> deltas =
                Http.sse(http.post("/v1/chat/completions", streamed(OPENAI).replace("\"messages\"", tools))
                                .body())
                        .stream()
                        .filter(e -> !e.getValue().equals("[DONE]"))
                        .map(e -> Http.json(e.getValue()).path("choices").get(0).path("delta"))
                        .toList();
        assertThat(deltas.get(0).has("tool_calls")).isFalse();
        JsonNode header = deltas.get(1 + THINKING_TOKENS).path("tool_calls").get(0);
        assertThat(header.path("index").asInt()).isZero();
        assertThat(header.path("id").asText()).startsWith("call_fake_");
        assertThat(header.path("type").asText()).isEqualTo("function");
        assertThat(header.path("function").path("name").asText()).isEqualTo("lookup");

        String anthropic = ANTHROPIC.replace("\"messages\"", AnthropicProtocolTest.TOOLS + ",\"messages\"");
        JsonNode content =
                Http.json(http.post("/v1/messages", anthropic).body()).path("content");
        assertThat(content.get(0).path("type").asText()).isEqualTo("thinking");
        assertThat(content.get(1).path("type").asText()).isEqualTo("tool_use");

        JsonNode ollama = Http.json(http.post("/api/chat", OLLAMA.replace("\"messages\"", "\"stream\":false," + tools))
                        .body())
                .path("message");
        assertThat(ollama.path("thinking").asText()).isEqualTo(Answer.THINKING_TEXT);
        assertThat(ollama.path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("name")
                        .asText())
                .isEqualTo("lookup");
    }
}
