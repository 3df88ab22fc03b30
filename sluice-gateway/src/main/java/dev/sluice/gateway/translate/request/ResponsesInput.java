package dev.sluice.gateway.translate.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Json;
import java.util.Set;

/**
 * The {@code input} of a Responses request as Chat Completions messages, for {@link ResponsesRequests}
 * (whose class comment says how each item maps): message items with their content parts, function
 * calls joining the assistant message before them, function call outputs as tool messages; reasoning
 * items dropped.
 */
final class ResponsesInput {

    private ResponsesInput() {}

    static void input(JsonNode input, ArrayNode messages) throws TranslationException {
        if (input.isTextual()) {
            messages.addObject().put("role", "user").put("content", input.asText());
            return;
        }
        if (!input.isArray()) throw new TranslationException("input: must be a string or an array of items");
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String where = "input[" + i + "]";
            if (!item.isObject()) throw new TranslationException(where + ": must be an object");
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> messages.add(message(item, where));
                case "function_call" ->
                    assistantFor(messages).withArray("tool_calls").add(call(item, where));
                case "function_call_output" ->
                    messages.addObject()
                            .put("role", "tool")
                            .put("tool_call_id", required(item, "call_id", where))
                            .put("content", output(item, where));
                case "reasoning" -> {} // see ResponsesRequests' class comment
                default ->
                    throw new TranslationException(where + ".type: \"" + type
                            + "\" items are not available through Sluice (message, function_call, function_call_output"
                            + " and reasoning are)");
            }
        }
    }

    private static ObjectNode message(JsonNode item, String where) throws TranslationException {
        String role = item.path("role").asText("");
        if (!Set.of("user", "assistant", "system", "developer").contains(role)) {
            throw new TranslationException(where + ".role: must be user, assistant, system or developer");
        }
        ObjectNode out = Json.object().put("role", role);
        JsonNode content = item.path("content");
        if (content.isTextual()) {
            out.put("content", content.asText());
            return out;
        }
        if (!content.isArray()) throw new TranslationException(where + ".content: must be a string or an array");
        if (!"user".equals(role)) { // only user messages take images: the others are text
            StringBuilder text = new StringBuilder();
            for (int j = 0; j < content.size(); j++) text.append(text(content.get(j), where + ".content[" + j + "]"));
            out.put("content", text.toString());
            return out;
        }
        ArrayNode parts = out.putArray("content");
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String at = where + ".content[" + j + "]";
            if ("input_image".equals(part.path("type").asText())) {
                if (!part.path("image_url").isTextual()) {
                    throw new TranslationException(
                            at + ".image_url: required (file ids are not available through" + " Sluice)");
                }
                ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url");
                image.put("url", part.path("image_url").asText());
                Json.copy(part, "detail", image, "detail");
            } else {
                parts.addObject().put("type", "text").put("text", text(part, at));
            }
        }
        return out;
    }

    private static String text(JsonNode part, String where) throws TranslationException {
        String type = part.path("type").asText("");
        return switch (type) {
            case "input_text", "output_text", "text" -> required(part, "text", where);
            case "refusal" -> required(part, "refusal", where);
            default ->
                throw new TranslationException(where + ".type: \"" + type + "\" content is not available here"
                        + " (input_text, output_text and, in user messages, input_image are)");
        };
    }

    /** The assistant message a function call joins: the last message if it is the assistant's, else a new one. */
    private static ObjectNode assistantFor(ArrayNode messages) {
        if (!messages.isEmpty()) {
            JsonNode last = messages.get(messages.size() - 1);
            if ("assistant".equals(last.path("role").asText())) return (ObjectNode) last;
        }
        return messages.addObject().put("role", "assistant").putNull("content");
    }

    private static ObjectNode call(JsonNode item, String where) throws TranslationException {
        ObjectNode call =
                Json.object().put("id", required(item, "call_id", where)).put("type", "function");
        call.putObject("function")
                .put("name", required(item, "name", where))
                .put(
                        "arguments",
                        item.path("arguments").isTextual()
                                ? item.path("arguments").asText()
                                : "{}");
        return call;
    }

    private static String output(JsonNode item, String where) throws TranslationException {
        JsonNode output = item.path("output");
        if (output.isTextual()) return output.asText();
        if (!output.isArray()) throw new TranslationException(where + ".output: must be a string or an array");
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < output.size(); j++) text.append(text(output.get(j), where + ".output[" + j + "]"));
        return text.toString();
    }

    static String required(JsonNode node, String field, String where) throws TranslationException {
        JsonNode v = node.path(field);
        if (!v.isTextual()) throw new TranslationException(where + "." + field + ": required, a string");
        return v.asText();
    }
}
