package dev.sluice.gateway.translate.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;

/** OpenAI's tool arguments (a JSON string) <-> Anthropic's tool input (a JSON object). */
public final class ToolArguments {

    private ToolArguments() {}

    /** A JSON-string (or, as Ollama sends, object) argument value as an object; empty means {@code {}}. */
    public static ObjectNode parse(JsonNode arguments, String where) throws TranslationException {
        if (arguments.isObject()) return (ObjectNode) arguments.deepCopy();
        if (arguments.isMissingNode()
                || arguments.isNull()
                || arguments.asText().isBlank()) return Json.object();
        if (!arguments.isTextual()) throw new TranslationException(where + ": expected a JSON string");
        JsonNode parsed = Json.parse(arguments.asText(), where);
        if (!parsed.isObject()) throw new TranslationException(where + ": expected a JSON object");
        return (ObjectNode) parsed;
    }

    /** Anthropic input as OpenAI's argument string. */
    public static String format(JsonNode input) {
        return input == null || input.isMissingNode() || input.isNull() ? "{}" : Json.write(input);
    }
}
