package dev.sluice.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recorded client request in src/test/resources/client-requests/ ({@code {"client", "path",
 * "body", ...}}; the path tells the dialect: {@code /v1/messages} Anthropic, {@code /v1/chat/completions}
 * OpenAI) through the translate package's public entry points. An Anthropic request must translate to
 * OpenAI and to Ollama keeping every message (roles in order, system messages where they stood), every
 * tool (name, input schema) and the pairing of tool calls with their results; an OpenAI request must
 * translate to Anthropic likewise; Anthropic -> OpenAI -> Anthropic keeps the conversation's texts and tool
 * ids. The expectations are computed from the recorded request, not copied from the translator.
 */
class ClientRequestCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Path> corpus() throws Exception {
        Path dir = dir();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    private static Path dir() throws URISyntaxException {
        return Path.of(ClientRequestCorpusTest.class.getResource("/client-requests").toURI());
    }

    @Test
    void theCorpusHoldsAnthropicRequestsWithToolResults() throws Exception {
        List<JsonNode> bodies = new ArrayList<>();
        for (Path p : corpus().toList()) {
            JsonNode recorded = JSON.readTree(p.toFile());
            if (recorded.path("path").asText().equals("/v1/messages")) bodies.add(recorded.path("body"));
        }
        assertThat(bodies).as("Anthropic requests in the corpus").hasSizeGreaterThanOrEqualTo(4);
        assertThat(bodies).as("some carry a tool call and its result")
                .anySatisfy(b -> assertThat(b.toString()).contains("\"tool_use\"").contains("\"tool_result\""));
        assertThat(bodies).as("some carry a system message inside messages")
                .anySatisfy(b -> assertThat(roles(b.path("messages"))).contains("system"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachRecordedRequestTranslatesKeepingItsConversation(Path file) throws Exception {
        JsonNode recorded = JSON.readTree(file.toFile());
        JsonNode body = recorded.path("body");
        assertThat(body.isObject()).as("%s has a body", file).isTrue();
        switch (recorded.path("path").asText()) {
            case "/v1/messages" -> anthropic(body);
            case "/v1/chat/completions" -> openAi(body);
            case "/v1/responses" -> responses(body);
            default -> throw new AssertionError(file + ": unknown path " + recorded.path("path"));
        }
    }

    private static void anthropic(JsonNode request) throws Exception {
        JsonNode original = request.deepCopy();

        ObjectNode openAi = Translate.anthropicRequestToOpenAi(request);
        assertThat(roles(openAi.path("messages"))).as("OpenAI roles").isEqualTo(expectedOpenAiRoles(request));
        assertThat(systemTexts(openAi.path("messages"))).as("OpenAI system messages")
                .isEqualTo(expectedSystemTexts(request));
        assertThat(openAiTools(openAi.path("tools"))).as("OpenAI tools").isEqualTo(anthropicTools(request.path("tools")));
        assertPairedOpenAi(openAi.path("messages"));
        assertThat(toolIdsOpenAi(openAi.path("messages"))).as("OpenAI tool ids").isEqualTo(toolIdsAnthropic(request));

        ObjectNode ollama = Translate.anthropicRequestToOllama(request);
        assertThat(roles(ollama.path("messages"))).as("Ollama roles").isEqualTo(expectedOpenAiRoles(request));
        assertThat(systemTexts(ollama.path("messages"))).as("Ollama system messages")
                .isEqualTo(expectedSystemTexts(request));
        assertThat(openAiTools(ollama.path("tools"))).as("Ollama tools").isEqualTo(anthropicTools(request.path("tools")));
        assertPairedOllama(ollama.path("messages"));

        ObjectNode back = Translate.openAiRequestToAnthropic(openAi);
        assertThat(conversationTexts(back)).as("round trip: conversation texts").isEqualTo(conversationTexts(request));
        assertThat(toolIdsAnthropic(back)).as("round trip: tool ids").isEqualTo(toolIdsAnthropic(request));
        assertThat(anthropicTools(back.path("tools"))).as("round trip: tools").isEqualTo(anthropicTools(request.path("tools")));
        // OpenAI -> Anthropic hoists system messages into the top-level system, in order
        assertThat(String.join("\n\n", topLevelSystem(back))).as("round trip: system texts")
                .isEqualTo(String.join("\n\n", expectedSystemTexts(request)));

        assertThat(request).as("translation leaves its input alone").isEqualTo(original);
    }

    private static void openAi(JsonNode request) throws Exception {
        ObjectNode anthropic = Translate.openAiRequestToAnthropic(request);
        List<String> conversation = new ArrayList<>();
        List<String> system = new ArrayList<>();
        String previous = null;
        for (JsonNode m : request.path("messages")) {
            String role = m.path("role").asText();
            if (role.equals("system") || role.equals("developer")) {
                system.add(text(m.path("content"), "\n\n"));
                continue;
            }
            String mapped = role.equals("tool") ? "user" : role;
            if (!mapped.equals(previous)) conversation.add(mapped); // consecutive same roles merge
            previous = mapped;
        }
        assertThat(roles(anthropic.path("messages"))).as("Anthropic roles").isEqualTo(conversation);
        assertThat(String.join("\n\n", topLevelSystem(anthropic))).as("Anthropic system")
                .isEqualTo(String.join("\n\n", system));
        assertThat(anthropicTools(anthropic.path("tools"))).as("Anthropic tools").isEqualTo(openAiTools(request.path("tools")));
        List<String> ids = new ArrayList<>();
        for (JsonNode m : request.path("messages")) {
            for (JsonNode call : m.path("tool_calls")) ids.add("use:" + call.path("id").asText());
            if (m.path("role").asText().equals("tool")) ids.add("result:" + m.path("tool_call_id").asText());
        }
        assertThat(toolIdsAnthropic(anthropic)).as("Anthropic tool ids").isEqualTo(ids);
    }

    /** Responses -> Chat Completions keeps every function tool and call/output pairing; then as an OpenAI request. */
    private static void responses(JsonNode request) throws Exception {
        ObjectNode chat = Translate.responsesRequestToChat(Translate.responsesWithFunctionToolsOnly(request));
        List<String> calls = new ArrayList<>();
        List<String> functions = new ArrayList<>();
        for (JsonNode item : request.path("input")) {
            switch (item.path("type").asText()) {
                case "function_call" -> calls.add("call:" + item.path("call_id").asText());
                case "function_call_output" -> calls.add("output:" + item.path("call_id").asText());
                default -> { }
            }
        }
        for (JsonNode tool : request.path("tools")) {
            if (tool.path("type").asText().equals("function")) functions.add(tool.path("name").asText());
        }
        List<String> translated = new ArrayList<>();
        for (JsonNode m : chat.path("messages")) {
            for (JsonNode call : m.path("tool_calls")) translated.add("call:" + call.path("id").asText());
            if (m.path("role").asText().equals("tool")) translated.add("output:" + m.path("tool_call_id").asText());
        }
        assertThat(translated).as("Chat tool calls and results").isEqualTo(calls);
        List<String> chatFunctions = new ArrayList<>();
        chat.path("tools").forEach(t -> chatFunctions.add(t.path("function").path("name").asText()));
        assertThat(chatFunctions).as("Chat function tools").isEqualTo(functions);
        openAi(chat);
    }

    // ---- expectations from an Anthropic request

    /** System first when the top-level one has text; per message: system, or tool messages then the rest. */
    private static List<String> expectedOpenAiRoles(JsonNode request) {
        List<String> roles = new ArrayList<>();
        if (!text(request.path("system"), "").isEmpty()) roles.add("system");
        for (JsonNode m : request.path("messages")) {
            String role = m.path("role").asText();
            JsonNode content = m.path("content");
            if (!content.isArray()) {
                roles.add(role);
                continue;
            }
            boolean rest = false;
            for (JsonNode block : content) {
                switch (block.path("type").asText()) {
                    case "tool_result" -> roles.add("tool");
                    case "thinking", "redacted_thinking" -> { }
                    default -> rest = true;
                }
            }
            if (rest) roles.add(role);
        }
        return roles;
    }

    private static List<String> expectedSystemTexts(JsonNode request) {
        List<String> texts = new ArrayList<>();
        String top = text(request.path("system"), "\n\n");
        if (!top.isEmpty()) texts.add(top);
        for (JsonNode m : request.path("messages")) {
            if (m.path("role").asText().equals("system")) texts.add(text(m.path("content"), "\n\n"));
        }
        return texts;
    }

    /** Texts of user and assistant turns and of tool results, in order, whitespace-insensitive per item. */
    private static List<String> conversationTexts(JsonNode anthropicRequest) {
        List<String> texts = new ArrayList<>();
        for (JsonNode m : anthropicRequest.path("messages")) {
            if (m.path("role").asText().equals("system")) continue;
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                texts.add(content.asText());
                continue;
            }
            for (JsonNode block : content) {
                switch (block.path("type").asText()) {
                    case "text" -> texts.add(block.path("text").asText());
                    case "tool_result" -> texts.add(text(block.path("content"), "\n"));
                    default -> { }
                }
            }
        }
        return texts;
    }

    /** tool_use and tool_result ids in conversation order, as {@code use:<id>} and {@code result:<id>}. */
    private static List<String> toolIdsAnthropic(JsonNode anthropicRequest) {
        List<String> ids = new ArrayList<>();
        for (JsonNode m : anthropicRequest.path("messages")) {
            for (JsonNode block : m.path("content")) {
                switch (block.path("type").asText()) {
                    case "tool_use" -> ids.add("use:" + block.path("id").asText());
                    case "tool_result" -> ids.add("result:" + block.path("tool_use_id").asText());
                    default -> { }
                }
            }
        }
        return ids;
    }

    private static List<String> toolIdsOpenAi(JsonNode messages) {
        List<String> ids = new ArrayList<>();
        for (JsonNode m : messages) {
            for (JsonNode call : m.path("tool_calls")) ids.add("use:" + call.path("id").asText());
            if (m.path("role").asText().equals("tool")) ids.add("result:" + m.path("tool_call_id").asText());
        }
        return ids;
    }

    /** Every OpenAI tool message answers a call of an earlier assistant message, each call answered once. */
    private static void assertPairedOpenAi(JsonNode messages) {
        Map<String, Integer> open = new HashMap<>();
        for (JsonNode m : messages) {
            for (JsonNode call : m.path("tool_calls")) {
                assertThat(call.path("id").asText()).as("a call id").isNotBlank();
                open.merge(call.path("id").asText(), 1, Integer::sum);
            }
            if (m.path("role").asText().equals("tool")) {
                String id = m.path("tool_call_id").asText();
                assertThat(open).as("tool result %s answers an earlier call", id).containsKey(id);
                open.remove(id);
            }
        }
    }

    /** Ollama has no call ids: every tool message names the function of an earlier call. */
    private static void assertPairedOllama(JsonNode messages) {
        List<String> called = new ArrayList<>();
        for (JsonNode m : messages) {
            for (JsonNode call : m.path("tool_calls")) called.add(call.path("function").path("name").asText());
            if (m.path("role").asText().equals("tool")) {
                assertThat(called).as("Ollama tool message %s names an earlier call", m)
                        .contains(m.path("tool_name").asText());
            }
        }
    }

    // ---- reading

    private static List<String> roles(JsonNode messages) {
        List<String> roles = new ArrayList<>();
        for (JsonNode m : messages) roles.add(m.path("role").asText());
        return roles;
    }

    private static List<String> systemTexts(JsonNode messages) {
        List<String> texts = new ArrayList<>();
        for (JsonNode m : messages) {
            if (m.path("role").asText().equals("system")) texts.add(text(m.path("content"), "\n\n"));
        }
        return texts;
    }

    private static List<String> topLevelSystem(JsonNode anthropicRequest) {
        JsonNode system = anthropicRequest.path("system");
        if (system.isTextual()) return List.of(system.asText());
        List<String> texts = new ArrayList<>();
        for (JsonNode block : system) texts.add(block.path("text").asText());
        return texts;
    }

    /** name -> input schema, in order, from Anthropic tools. */
    private static List<Map.Entry<String, JsonNode>> anthropicTools(JsonNode tools) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        for (JsonNode t : tools) out.add(Map.entry(t.path("name").asText(), t.path("input_schema")));
        return out;
    }

    /** name -> parameters, in order, from OpenAI (or Ollama) function tools. */
    private static List<Map.Entry<String, JsonNode>> openAiTools(JsonNode tools) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        for (JsonNode t : tools) {
            out.add(Map.entry(t.path("function").path("name").asText(), t.path("function").path("parameters")));
        }
        return out;
    }

    /** A string, or the texts of an array of text blocks/parts joined with {@code sep}. */
    private static String text(JsonNode content, String sep) {
        if (content.isTextual()) return content.asText();
        List<String> parts = new ArrayList<>();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) parts.add(part.path("text").asText());
        }
        return String.join(sep, parts);
    }
}
