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
 * OpenAI, {@code /v1/responses} OpenAI Responses) through the translate package's public entry points. An
 * Anthropic request must translate to OpenAI and to Ollama keeping every message (roles in order, system
 * messages where they stood), every tool (name, input schema) and the pairing of tool calls with their
 * results; an OpenAI request must translate to Anthropic likewise; Anthropic -> OpenAI -> Anthropic keeps
 * the conversation's texts and tool ids. A Responses request, its non-function tools left out (as
 * {@code responses.omit-unsupported-tools} does), must translate to Chat Completions, on to Anthropic and
 * on to Ollama keeping its developer/system texts (as system), its user and assistant texts in order, every
 * function tool (name, parameters) and each function_call paired with its function_call_output by call_id.
 * The expectations are computed from the recorded request, not copied from the translator.
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
        return Path.of(
                ClientRequestCorpusTest.class.getResource("/client-requests").toURI());
    }

    @Test
    void theCorpusHoldsAnthropicRequestsWithToolResults() throws Exception {
        List<JsonNode> bodies = new ArrayList<>();
        for (Path p : corpus().toList()) {
            JsonNode recorded = JSON.readTree(p.toFile());
            if (recorded.path("path").asText().equals("/v1/messages")) bodies.add(recorded.path("body"));
        }
        assertThat(bodies).as("Anthropic requests in the corpus").hasSizeGreaterThanOrEqualTo(4);
        assertThat(bodies)
                .as("some carry a tool call and its result")
                .anySatisfy(
                        b -> assertThat(b.toString()).contains("\"tool_use\"").contains("\"tool_result\""));
        assertThat(bodies)
                .as("some carry a system message inside messages")
                .anySatisfy(b -> assertThat(roles(b.path("messages"))).contains("system"));
    }

    @Test
    void theCorpusHoldsResponsesRequestsWithFunctionCallOutputs() throws Exception {
        List<JsonNode> bodies = new ArrayList<>();
        for (Path p : corpus().toList()) {
            JsonNode recorded = JSON.readTree(p.toFile());
            if (recorded.path("path").asText().equals("/v1/responses")) bodies.add(recorded.path("body"));
        }
        assertThat(bodies).as("Responses requests in the corpus").hasSizeGreaterThanOrEqualTo(2);
        assertThat(bodies)
                .as("some carry a function call and its output")
                .anySatisfy(b ->
                        assertThat(b.toString()).contains("\"function_call\"").contains("\"function_call_output\""));
        assertThat(bodies)
                .as("some carry developer messages in input")
                .anySatisfy(b -> assertThat(roles(b.path("input"))).contains("developer"));
        assertThat(bodies)
                .as("some offer tools other than function tools")
                .anySatisfy(b -> assertThat(toolTypes(b.path("tools"))).contains("web_search"));
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
        assertThat(systemTexts(openAi.path("messages")))
                .as("OpenAI system messages")
                .isEqualTo(expectedSystemTexts(request));
        assertThat(openAiTools(openAi.path("tools")))
                .as("OpenAI tools")
                .isEqualTo(anthropicTools(request.path("tools")));
        assertPairedOpenAi(openAi.path("messages"));
        assertThat(toolIdsOpenAi(openAi.path("messages"))).as("OpenAI tool ids").isEqualTo(toolIdsAnthropic(request));

        ObjectNode ollama = Translate.anthropicRequestToOllama(request);
        assertThat(roles(ollama.path("messages"))).as("Ollama roles").isEqualTo(expectedOpenAiRoles(request));
        assertThat(systemTexts(ollama.path("messages")))
                .as("Ollama system messages")
                .isEqualTo(expectedSystemTexts(request));
        assertThat(openAiTools(ollama.path("tools")))
                .as("Ollama tools")
                .isEqualTo(anthropicTools(request.path("tools")));
        assertPairedOllama(ollama.path("messages"));

        ObjectNode back = Translate.openAiRequestToAnthropic(openAi);
        assertThat(conversationTexts(back)).as("round trip: conversation texts").isEqualTo(conversationTexts(request));
        assertThat(toolIdsAnthropic(back)).as("round trip: tool ids").isEqualTo(toolIdsAnthropic(request));
        assertThat(anthropicTools(back.path("tools")))
                .as("round trip: tools")
                .isEqualTo(anthropicTools(request.path("tools")));
        // OpenAI -> Anthropic hoists system messages into the top-level system, in order
        assertThat(String.join("\n\n", topLevelSystem(back)))
                .as("round trip: system texts")
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
        assertThat(String.join("\n\n", topLevelSystem(anthropic)))
                .as("Anthropic system")
                .isEqualTo(String.join("\n\n", system));
        assertThat(anthropicTools(anthropic.path("tools")))
                .as("Anthropic tools")
                .isEqualTo(openAiTools(request.path("tools")));
        List<String> ids = new ArrayList<>();
        for (JsonNode m : request.path("messages")) {
            for (JsonNode call : m.path("tool_calls"))
                ids.add("use:" + call.path("id").asText());
            if (m.path("role").asText().equals("tool"))
                ids.add("result:" + m.path("tool_call_id").asText());
        }
        assertThat(toolIdsAnthropic(anthropic)).as("Anthropic tool ids").isEqualTo(ids);
    }

    private static void responses(JsonNode request) throws Exception {
        JsonNode original = request.deepCopy();
        List<Map.Entry<String, JsonNode>> functions = responsesFunctionTools(request.path("tools"));

        JsonNode functionsOnly = Translate.responsesWithFunctionToolsOnly(request);
        assertThat(toolTypes(functionsOnly.path("tools")))
                .as("only function tools left")
                .containsOnly("function");
        assertThat(responsesFunctionTools(functionsOnly.path("tools")))
                .as("every function tool kept")
                .isEqualTo(functions);
        assertThat(request).as("leaving tools out leaves its input alone").isEqualTo(original);

        List<String> system = new ArrayList<>();
        String instructions = request.path("instructions").asText("");
        if (!instructions.isEmpty()) system.add(instructions);
        StringBuilder conversation = new StringBuilder(); // user and assistant texts, tool outputs, in order
        List<String> ids = new ArrayList<>();
        List<String> callNames = new ArrayList<>();
        List<String> outputNames = new ArrayList<>();
        Map<String, String> nameOfCall = new HashMap<>();
        List<String> chatRoles = new ArrayList<>();
        List<String> anthropicRoles = new ArrayList<>();
        List<String> ollamaRoles = new ArrayList<>();
        if (!instructions.isEmpty()) chatRoles.add("system");
        JsonNode input = request.path("input");
        if (input.isTextual()) {
            conversation.append(input.asText());
            chatRoles.add("user");
            anthropicRoles.add("user");
            ollamaRoles.add("user");
        }
        for (JsonNode item : input) {
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> {
                    String role = item.path("role").asText();
                    String text = text(item.path("content"), "");
                    chatRoles.add(role);
                    if (role.equals("developer") || role.equals("system")) {
                        system.add(text);
                    } else {
                        conversation.append(text);
                        addMerged(anthropicRoles, role);
                        addMerged(ollamaRoles, role);
                    }
                }
                case "function_call" -> {
                    String id = item.path("call_id").asText();
                    ids.add("use:" + id);
                    callNames.add(item.path("name").asText());
                    nameOfCall.put(id, item.path("name").asText());
                    addMerged(chatRoles, "assistant"); // calls join the assistant message before them
                    addMerged(anthropicRoles, "assistant");
                    addMerged(ollamaRoles, "assistant");
                }
                case "function_call_output" -> {
                    String id = item.path("call_id").asText();
                    ids.add("result:" + id);
                    assertThat(nameOfCall)
                            .as("recorded output %s answers an earlier call", id)
                            .containsKey(id);
                    outputNames.add(nameOfCall.get(id));
                    conversation.append(
                            item.path("output").isTextual()
                                    ? item.path("output").asText()
                                    : text(item.path("output"), ""));
                    chatRoles.add("tool");
                    addMerged(anthropicRoles, "user"); // tool results go in a user turn
                    ollamaRoles.add("tool"); // a user turn of tool results is only tool messages in Ollama
                }
                case "reasoning" -> {}
                default -> throw new AssertionError("unexpected input item " + item);
            }
        }

        ObjectNode chat = Translate.responsesRequestToChat(functionsOnly);
        assertThat(roles(chat.path("messages"))).as("Chat roles").isEqualTo(chatRoles);
        List<String> chatSystem = new ArrayList<>();
        StringBuilder chatConversation = new StringBuilder();
        for (JsonNode m : chat.path("messages")) {
            String role = m.path("role").asText();
            if (role.equals("system") || role.equals("developer")) chatSystem.add(text(m.path("content"), ""));
            else if (!m.path("content").isNull()) chatConversation.append(text(m.path("content"), ""));
        }
        assertThat(chatSystem).as("Chat system and developer texts").isEqualTo(system);
        assertThat(chatConversation.toString()).as("Chat conversation texts").isEqualTo(conversation.toString());
        assertThat(openAiTools(chat.path("tools"))).as("Chat tools").isEqualTo(functions);
        assertPairedOpenAi(chat.path("messages"));
        assertThat(toolIdsOpenAi(chat.path("messages"))).as("Chat tool ids").isEqualTo(ids);

        ObjectNode anthropic = Translate.openAiRequestToAnthropic(chat);
        assertThat(String.join("\n\n", topLevelSystem(anthropic)))
                .as("Anthropic system")
                .isEqualTo(String.join("\n\n", system));
        assertThat(roles(anthropic.path("messages"))).as("Anthropic roles").isEqualTo(anthropicRoles);
        assertThat(String.join("", conversationTexts(anthropic)))
                .as("Anthropic conversation texts")
                .isEqualTo(conversation.toString());
        assertThat(anthropicTools(anthropic.path("tools")))
                .as("Anthropic tools")
                .isEqualTo(functions);
        assertThat(toolIdsAnthropic(anthropic)).as("Anthropic tool ids").isEqualTo(ids);

        ObjectNode ollama = Translate.anthropicRequestToOllama(anthropic);
        List<String> expectedOllamaRoles = new ArrayList<>();
        if (!system.isEmpty()) expectedOllamaRoles.add("system");
        expectedOllamaRoles.addAll(ollamaRoles);
        assertThat(roles(ollama.path("messages"))).as("Ollama roles").isEqualTo(expectedOllamaRoles);
        assertThat(String.join("\n\n", systemTexts(ollama.path("messages"))))
                .as("Ollama system")
                .isEqualTo(String.join("\n\n", system));
        assertThat(openAiTools(ollama.path("tools"))).as("Ollama tools").isEqualTo(functions);
        assertPairedOllama(ollama.path("messages"));
        List<String> ollamaCalls = new ArrayList<>();
        List<String> ollamaOutputs = new ArrayList<>();
        for (JsonNode m : ollama.path("messages")) {
            for (JsonNode call : m.path("tool_calls"))
                ollamaCalls.add(call.path("function").path("name").asText());
            if (m.path("role").asText().equals("tool"))
                ollamaOutputs.add(m.path("tool_name").asText());
        }
        assertThat(ollamaCalls).as("Ollama tool calls").isEqualTo(callNames);
        assertThat(ollamaOutputs).as("Ollama tool messages name their calls").isEqualTo(outputNames);

        anthropic(anthropic); // and on through every Anthropic check
        assertThat(request).as("translation leaves its input alone").isEqualTo(original);
    }

    /** Appends {@code role} unless it is the last one (consecutive turns of one role merge). */
    private static void addMerged(List<String> roles, String role) {
        if (roles.isEmpty() || !roles.get(roles.size() - 1).equals(role)) roles.add(role);
    }

    private static List<String> toolTypes(JsonNode tools) {
        List<String> types = new ArrayList<>();
        for (JsonNode t : tools) types.add(t.path("type").asText());
        return types;
    }

    /** name -> parameters, in order, of the function tools among Responses tools (flat, no "function" wrapper). */
    private static List<Map.Entry<String, JsonNode>> responsesFunctionTools(JsonNode tools) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        for (JsonNode t : tools) {
            if (t.path("type").asText().equals("function"))
                out.add(Map.entry(t.path("name").asText(), t.path("parameters")));
        }
        return out;
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
                    case "thinking", "redacted_thinking" -> {}
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
                    default -> {}
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
                    case "tool_result" ->
                        ids.add("result:" + block.path("tool_use_id").asText());
                    default -> {}
                }
            }
        }
        return ids;
    }

    private static List<String> toolIdsOpenAi(JsonNode messages) {
        List<String> ids = new ArrayList<>();
        for (JsonNode m : messages) {
            for (JsonNode call : m.path("tool_calls"))
                ids.add("use:" + call.path("id").asText());
            if (m.path("role").asText().equals("tool"))
                ids.add("result:" + m.path("tool_call_id").asText());
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
                assertThat(open)
                        .as("tool result %s answers an earlier call", id)
                        .containsKey(id);
                open.remove(id);
            }
        }
    }

    /** Ollama has no call ids: every tool message names the function of an earlier call. */
    private static void assertPairedOllama(JsonNode messages) {
        List<String> called = new ArrayList<>();
        for (JsonNode m : messages) {
            for (JsonNode call : m.path("tool_calls"))
                called.add(call.path("function").path("name").asText());
            if (m.path("role").asText().equals("tool")) {
                assertThat(called)
                        .as("Ollama tool message %s names an earlier call", m)
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
            out.add(Map.entry(
                    t.path("function").path("name").asText(), t.path("function").path("parameters")));
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
