package dev.sluice.gateway.translate.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.ToolArguments;

/**
 * OpenAI {@code messages} -> Anthropic {@code messages} (and system blocks, collected on the side in
 * order; a system or developer message anywhere in the conversation goes there, see below).
 */
final class OpenAiMessagesToAnthropic {

    private OpenAiMessagesToAnthropic() {}

    static ArrayNode translate(JsonNode messages, ArrayNode system) throws TranslationException {
        if (!messages.isArray()) throw new TranslationException("messages: required, an array");
        ArrayNode out = Json.array();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String where = "messages[" + i + "]";
            String role = message.path("role").asText("");
            switch (role) {
                // Hoisted, in order, into the top-level system, even when they come after user or assistant
                // messages: the Messages API documents only user and assistant roles inside messages, so
                // a system entry there is not generally accepted. A late system message's position is
                // therefore lost on purpose: it reaches Anthropic as a later block of the system prompt,
                // applying from the start of the conversation rather than from where it stood.
                case "system", "developer" -> texts(message.path("content"), where + ".content", system, false);
                case "user" -> append(out, "user", userBlocks(message.path("content"), where + ".content"));
                case "assistant" -> append(out, "assistant", assistantBlocks(message, where));
                case "tool" -> append(out, "user", toolResult(message, where));
                default -> throw new TranslationException(where + ".role: unsupported role \"" + role + "\"");
            }
        }
        for (JsonNode message : out) simplify((ObjectNode) message);
        return out;
    }

    /** Adds blocks as a new message, or to the previous one when it has the same role. */
    private static void append(ArrayNode out, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) return;
        JsonNode last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
        } else {
            ObjectNode message = out.addObject();
            message.put("role", role);
            message.set("content", blocks);
        }
    }

    /** One plain text block becomes a string again. */
    private static void simplify(ObjectNode message) {
        JsonNode content = message.get("content");
        if (content.size() == 1
                && "text".equals(content.get(0).path("type").asText())
                && content.get(0).size() == 2) {
            message.set("content", content.get(0).get("text"));
        }
    }

    private static void texts(JsonNode content, String where, ArrayNode into, boolean keepEmpty)
            throws TranslationException {
        if (content.isTextual()) {
            if (keepEmpty || !content.asText().isEmpty())
                into.addObject().put("type", "text").put("text", content.asText());
            return;
        }
        if (content.isMissingNode() || content.isNull()) return;
        if (!content.isArray()) throw new TranslationException(where + ": expected a string or an array of parts");
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String type = part.path("type").asText("");
            String text = switch (type) {
                case "text" -> part.path("text").asText("");
                case "refusal" -> part.path("refusal").asText("");
                default ->
                    throw new TranslationException(
                            where + "[" + j + "].type: unsupported content part type \"" + type + "\"");
            };
            if (keepEmpty || !text.isEmpty())
                into.addObject().put("type", "text").put("text", text);
        }
    }

    private static ArrayNode userBlocks(JsonNode content, String where) throws TranslationException {
        ArrayNode blocks = Json.array();
        if (!content.isArray()) {
            texts(content, where, blocks, true);
            return blocks;
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String type = part.path("type").asText("");
            switch (type) {
                case "text" ->
                    blocks.addObject()
                            .put("type", "text")
                            .put("text", part.path("text").asText(""));
                case "image_url" ->
                    blocks.add(Images.openAiToAnthropic(part.path("image_url"), where + "[" + j + "].image_url.url"));
                default ->
                    throw new TranslationException(
                            where + "[" + j + "].type: unsupported content part type \"" + type + "\"");
            }
        }
        return blocks;
    }

    private static ArrayNode assistantBlocks(JsonNode message, String where) throws TranslationException {
        ArrayNode blocks = Json.array();
        texts(message.path("content"), where + ".content", blocks, false);
        JsonNode calls = message.path("tool_calls");
        for (int j = 0; j < calls.size(); j++) {
            JsonNode call = calls.get(j);
            String at = where + ".tool_calls[" + j + "]";
            if (!call.path("id").isTextual()) throw new TranslationException(at + ".id: required");
            if (!call.path("function").path("name").isTextual()) {
                throw new TranslationException(at + ".function.name: required");
            }
            ObjectNode block = blocks.addObject();
            block.put("type", "tool_use");
            block.put("id", call.path("id").asText());
            block.put("name", call.path("function").path("name").asText());
            block.set(
                    "input", ToolArguments.parse(call.path("function").path("arguments"), at + ".function.arguments"));
        }
        return blocks;
    }

    private static ArrayNode toolResult(JsonNode message, String where) throws TranslationException {
        if (!message.path("tool_call_id").isTextual())
            throw new TranslationException(where + ".tool_call_id: required");
        ArrayNode parts = Json.array();
        texts(message.path("content"), where + ".content", parts, false);
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            if (!text.isEmpty()) text.append('\n');
            text.append(part.path("text").asText());
        }
        ArrayNode blocks = Json.array();
        blocks.addObject()
                .put("type", "tool_result")
                .put("tool_use_id", message.path("tool_call_id").asText())
                .put("content", text.toString());
        return blocks;
    }
}
