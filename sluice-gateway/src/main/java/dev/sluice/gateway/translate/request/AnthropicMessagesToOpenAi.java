package dev.sluice.gateway.translate.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.ToolArguments;

/** Anthropic {@code messages} -> OpenAI {@code messages} (appended to {@code out}). */
final class AnthropicMessagesToOpenAi {

    private AnthropicMessagesToOpenAi() {}

    static void translate(JsonNode messages, ArrayNode out) throws TranslationException {
        if (!messages.isArray()) throw new TranslationException("messages: required, an array");
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String where = "messages[" + i + "]";
            String role = message.path("role").asText("");
            JsonNode content = message.path("content");
            switch (role) {
                case "user" -> user(content, where + ".content", out);
                case "assistant" -> assistant(content, where + ".content", out);
                case "system" -> AnthropicContent.systemMessage(content, where + ".content", out); // kept in place
                default -> throw new TranslationException(where + ".role: unsupported role \"" + role + "\"");
            }
        }
    }

    private static void user(JsonNode content, String where, ArrayNode out) throws TranslationException {
        if (content.isTextual()) {
            out.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        if (!content.isArray()) throw new TranslationException(where + ": expected a string or an array of blocks");
        ArrayNode parts = Json.array();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String at = where + "[" + j + "]";
            switch (AnthropicContent.type(block, at, "text", "image", "tool_result")) {
                case "text" ->
                    parts.addObject()
                            .put("type", "text")
                            .put("text", block.path("text").asText(""));
                case "image" -> parts.add(Images.anthropicToOpenAi(block, at));
                default ->
                    out.addObject()
                            .put("role", "tool")
                            .put("tool_call_id", block.path("tool_use_id").asText())
                            .put("content", AnthropicContent.toolResultText(block, at));
            }
        }
        if (parts.isEmpty()) return;
        ObjectNode message = out.addObject().put("role", "user");
        boolean oneText =
                parts.size() == 1 && "text".equals(parts.get(0).path("type").asText());
        if (oneText) message.set("content", parts.get(0).get("text"));
        else message.set("content", parts);
    }

    private static void assistant(JsonNode content, String where, ArrayNode out) throws TranslationException {
        if (content.isTextual()) {
            out.addObject().put("role", "assistant").put("content", content.asText());
            return;
        }
        if (!content.isArray()) throw new TranslationException(where + ": expected a string or an array of blocks");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.array();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String at = where + "[" + j + "]";
            switch (AnthropicContent.type(block, at, "text", "tool_use", "thinking", "redacted_thinking")) {
                case "text" -> {
                    if (!text.isEmpty()) text.append("\n\n");
                    text.append(block.path("text").asText(""));
                }
                case "tool_use" -> {
                    ObjectNode call = calls.addObject()
                            .put("id", block.path("id").asText())
                            .put("type", "function");
                    call.putObject("function")
                            .put("name", block.path("name").asText())
                            .put("arguments", ToolArguments.format(block.get("input")));
                }
                default -> {} // thinking is dropped: its signature only means something to Anthropic
            }
        }
        if (text.isEmpty() && calls.isEmpty()) return;
        ObjectNode message = out.addObject().put("role", "assistant");
        if (text.isEmpty()) message.putNull("content");
        else message.put("content", text.toString());
        if (!calls.isEmpty()) message.set("tool_calls", calls);
    }
}
