package dev.sluice.gateway.translate.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Json;

/**
 * Reading Anthropic request content for dialects that only take plain text in some places.
 *
 * <p>System blocks, top-level or in a mid-conversation {@code system} message, are joined with a
 * blank line ({@code cache_control} has no equivalent and is dropped). A tool result's text blocks are joined with a newline; an error result
 * ({@code is_error: true}) is prefixed with {@value #ERROR_PREFIX}, since OpenAI and Ollama tool
 * messages have no error flag.
 */
final class AnthropicContent {
    static final String ERROR_PREFIX = "Error: ";

    private AnthropicContent() {}

    /**
     * The start of an OpenAI-shaped request (also Ollama's): {@code model} and a {@code messages} array
     * holding the top-level {@code system} as one leading system message, if there is one.
     */
    static ObjectNode withSystemMessage(JsonNode request) throws TranslationException {
        if (!request.isObject()) throw new TranslationException("request: expected a JSON object");
        ObjectNode out = Json.object();
        Json.copy(request, "model", out, "model");
        ArrayNode messages = out.putArray("messages");
        systemMessage(request.path("system"), "system", messages);
        return out;
    }

    /**
     * A system prompt (the top-level {@code system}, or the content of a {@code system} message in
     * {@code messages}, which Claude Code sends mid-conversation) as one OpenAI/Ollama system
     * message appended to {@code out}; nothing when it is absent or empty.
     */
    static void systemMessage(JsonNode system, String where, ArrayNode out) throws TranslationException {
        String text = systemText(system, where);
        if (!text.isEmpty()) out.addObject().put("role", "system").put("content", text);
    }

    /** A system prompt as one text; empty when absent. */
    private static String systemText(JsonNode system, String where) throws TranslationException {
        if (system.isMissingNode() || system.isNull()) return "";
        if (system.isTextual()) return system.asText();
        if (!system.isArray()) throw new TranslationException(where + ": expected a string or an array of text blocks");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            if (!"text".equals(block.path("type").asText())) {
                throw new TranslationException(where + "[" + i + "].type: unsupported block type \""
                        + block.path("type").asText() + "\"");
            }
            if (!text.isEmpty()) text.append("\n\n");
            text.append(block.path("text").asText(""));
        }
        return text.toString();
    }

    /** A {@code tool_result} block's content as text. */
    static String toolResultText(JsonNode block, String where) throws TranslationException {
        JsonNode content = block.path("content");
        StringBuilder text = new StringBuilder();
        if (content.isTextual()) {
            text.append(content.asText());
        } else if (content.isArray()) {
            for (int k = 0; k < content.size(); k++) {
                JsonNode part = content.get(k);
                if (!"text".equals(part.path("type").asText())) {
                    throw new TranslationException(where + ".content[" + k + "].type: \""
                            + part.path("type").asText()
                            + "\" in a tool result cannot be expressed for this upstream (text only)");
                }
                if (!text.isEmpty()) text.append('\n');
                text.append(part.path("text").asText(""));
            }
        } else if (!content.isMissingNode() && !content.isNull()) {
            throw new TranslationException(where + ".content: expected a string or an array of blocks");
        }
        return block.path("is_error").asBoolean(false) ? ERROR_PREFIX + text : text.toString();
    }

    /** The {@code type} of a content block, failing with the field's path when it is not one of {@code known}. */
    static String type(JsonNode block, String where, String... known) throws TranslationException {
        String type = block.path("type").asText("");
        for (String k : known) {
            if (k.equals(type)) return type;
        }
        throw new TranslationException(where + ".type: unsupported block type \"" + type + "\"");
    }
}
