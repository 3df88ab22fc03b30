package dev.sluice.gateway.translate.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Json;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic Messages request -> OpenAI Chat Completions request.
 *
 * <ul>
 *   <li>{@code system} becomes one leading {@code system} message (blocks joined with a blank line,
 *       {@code cache_control} dropped: OpenAI has no equivalent). A {@code system} message inside
 *       {@code messages} (Claude Code sends some mid-conversation) becomes a system message at the
 *       same position, joined the same way.</li>
 *   <li>Assistant {@code thinking} and {@code redacted_thinking} blocks are dropped: their signatures
 *       only mean something to Anthropic (an Anthropic upstream gets the request untranslated, so
 *       they reach it untouched).</li>
 *   <li>{@code tool_result} blocks become {@code tool} messages placed before the rest of that user
 *       turn; see {@link AnthropicContent} for error results.</li>
 *   <li>{@code thinking.budget_tokens} becomes {@code reasoning_effort}: below 4096 low, below 16384
 *       medium, else high.</li>
 *   <li>{@code top_k} is dropped (not part of Chat Completions). Streaming requests always ask for
 *       {@code stream_options.include_usage} so that streamed usage is real.</li>
 *   <li>Server tools (a {@code type} other than {@code custom}) cannot be expressed and are refused.</li>
 * </ul>
 */
public final class AnthropicRequestToOpenAi {

    private AnthropicRequestToOpenAi() {}

    public static ObjectNode translate(JsonNode request) throws TranslationException {
        ObjectNode out = AnthropicContent.withSystemMessage(request);
        ArrayNode messages = (ArrayNode) out.get("messages");
        AnthropicMessagesToOpenAi.translate(request.path("messages"), messages);
        Json.copy(request, "max_tokens", out, "max_tokens");
        Json.copy(request, "temperature", out, "temperature");
        Json.copy(request, "top_p", out, "top_p");
        Json.copy(request, "stop_sequences", out, "stop");
        if (request.path("stream").asBoolean(false)) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        } else {
            Json.copy(request, "stream", out, "stream");
        }
        if (request.path("metadata").path("user_id").isTextual()) {
            out.put("user", request.path("metadata").path("user_id").asText());
        }
        JsonNode tools = request.path("tools");
        if (tools.isArray() && !tools.isEmpty()) out.set("tools", tools(tools));
        toolChoice(request.path("tool_choice"), out);
        String effort = reasoningEffort(request.path("thinking"));
        if (effort != null) out.put("reasoning_effort", effort);
        return out;
    }

    /** Anthropic tools in the OpenAI function shape (also Ollama's). */
    static ArrayNode tools(JsonNode tools) throws TranslationException {
        ArrayNode out = Json.array();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String type = tool.path("type").asText("custom");
            if (!"custom".equals(type)) {
                throw new TranslationException(
                        "tools[" + i + "].type: server tool \"" + type + "\" cannot be expressed for this upstream");
            }
            if (!tool.path("name").isTextual()) throw new TranslationException("tools[" + i + "].name: required");
            ObjectNode function = out.addObject().put("type", "function").putObject("function");
            function.put("name", tool.path("name").asText());
            Json.copy(tool, "description", function, "description");
            Json.copy(tool, "input_schema", function, "parameters");
        }
        return out;
    }

    private static void toolChoice(JsonNode choice, ObjectNode out) throws TranslationException {
        if (!choice.isObject()) return;
        String type = choice.path("type").asText("");
        switch (type) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" ->
                out.putObject("tool_choice")
                        .put("type", "function")
                        .putObject("function")
                        .put("name", choice.path("name").asText());
            default -> throw new TranslationException("tool_choice.type: unsupported value \"" + type + "\"");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) out.put("parallel_tool_calls", false);
    }

    /** The effort for an enabled thinking budget, or null. */
    static @Nullable String reasoningEffort(JsonNode thinking) {
        if (!"enabled".equals(thinking.path("type").asText())) return null;
        long budget = thinking.path("budget_tokens").asLong(0);
        return budget < 4096 ? "low" : budget < 16384 ? "medium" : "high";
    }
}
