package dev.sluice.gateway.translate.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.ToolArguments;
import java.util.HashMap;
import java.util.Map;

/**
 * Anthropic Messages request -> Ollama {@code /api/chat} request.
 *
 * <ul>
 *   <li>{@code system} messages inside {@code messages} (Claude Code sends some mid-conversation)
 *       stay where they are as Ollama system messages, their blocks joined as for the top-level one.</li>
 *   <li>{@code stream} is always written, since Ollama streams unless told {@code false}.</li>
 *   <li>{@code max_tokens}, {@code temperature}, {@code top_p}, {@code top_k} and
 *       {@code stop_sequences} go to {@code options} (num_predict, ..., stop).</li>
 *   <li>Enabled {@code thinking} becomes {@code think: true} (Ollama has no budget). History
 *       thinking blocks are dropped, as for OpenAI.</li>
 *   <li>Images must be base64 (Sluice never fetches URLs). Tool results become {@code tool} messages
 *       with the {@code tool_name} of the matching earlier tool call.</li>
 *   <li>{@code tool_choice} has no Ollama equivalent and is dropped; {@code tool_choice: none}
 *       drops the tools instead, which means the same.</li>
 * </ul>
 */
public final class AnthropicRequestToOllama {

    private AnthropicRequestToOllama() {}

    public static ObjectNode translate(JsonNode request) throws TranslationException {
        ObjectNode out = AnthropicContent.withSystemMessage(request);
        ArrayNode messages = (ArrayNode) out.get("messages");
        JsonNode in = request.path("messages");
        if (!in.isArray()) throw new TranslationException("messages: required, an array");
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            JsonNode message = in.get(i);
            String where = "messages[" + i + "]";
            String role = message.path("role").asText("");
            switch (role) {
                case "user", "assistant" ->
                    message(role, message.path("content"), where + ".content", toolNames, messages);
                case "system" -> AnthropicContent.systemMessage(message.path("content"), where + ".content", messages);
                default -> throw new TranslationException(where + ".role: unsupported role \"" + role + "\"");
            }
        }
        out.put("stream", request.path("stream").asBoolean(false));
        JsonNode tools = request.path("tools");
        boolean none = "none".equals(request.path("tool_choice").path("type").asText());
        if (tools.isArray() && !tools.isEmpty() && !none) out.set("tools", AnthropicRequestToOpenAi.tools(tools));
        if ("enabled".equals(request.path("thinking").path("type").asText())) out.put("think", true);
        ObjectNode options = Json.object();
        Json.copy(request, "max_tokens", options, "num_predict");
        Json.copy(request, "temperature", options, "temperature");
        Json.copy(request, "top_p", options, "top_p");
        Json.copy(request, "top_k", options, "top_k");
        Json.copy(request, "stop_sequences", options, "stop");
        if (!options.isEmpty()) out.set("options", options);
        return out;
    }

    private static void message(
            String role, JsonNode content, String where, Map<String, String> toolNames, ArrayNode out)
            throws TranslationException {
        if (content.isTextual()) {
            out.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if (!content.isArray()) throw new TranslationException(where + ": expected a string or an array of blocks");
        StringBuilder text = new StringBuilder();
        ArrayNode images = Json.array();
        ArrayNode calls = Json.array();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String at = where + "[" + j + "]";
            String type = "user".equals(role)
                    ? AnthropicContent.type(block, at, "text", "image", "tool_result")
                    : AnthropicContent.type(block, at, "text", "tool_use", "thinking", "redacted_thinking");
            switch (type) {
                case "text" -> {
                    if (!text.isEmpty()) text.append("\n\n");
                    text.append(block.path("text").asText(""));
                }
                case "image" -> images.add(Images.anthropicToOllama(block, at));
                case "tool_result" -> {
                    ObjectNode result = out.addObject()
                            .put("role", "tool")
                            .put("content", AnthropicContent.toolResultText(block, at));
                    String name = toolNames.get(block.path("tool_use_id").asText());
                    if (name != null) result.put("tool_name", name);
                }
                case "tool_use" -> {
                    toolNames.put(block.path("id").asText(), block.path("name").asText());
                    calls.addObject()
                            .putObject("function")
                            .put("name", block.path("name").asText())
                            .set("arguments", ToolArguments.parse(block.path("input"), at + ".input"));
                }
                default -> {} // thinking is dropped, as for OpenAI
            }
        }
        if (text.isEmpty() && images.isEmpty() && calls.isEmpty()) return;
        ObjectNode message = out.addObject().put("role", role).put("content", text.toString());
        if (!images.isEmpty()) message.set("images", images);
        if (!calls.isEmpty()) message.set("tool_calls", calls);
    }
}
