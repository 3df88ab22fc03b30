package dev.sluice.gateway.translate.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Json;
import java.util.Set;

/**
 * OpenAI Responses request -> OpenAI Chat Completions request, the one new mapping a Responses client
 * needs: from Chat Completions the existing translations go on to Anthropic and Ollama (Anthropic stays
 * the hub), and an OpenAI Chat Completions upstream takes it as it is.
 *
 * <ul>
 *   <li>{@code instructions} becomes the first system message; {@code input} (a string, or items) the
 *       messages: message items keep their role, {@code input_text}/{@code output_text} parts become
 *       text parts, {@code input_image} an {@code image_url} part; {@code function_call} items join the
 *       assistant message before them as {@code tool_calls}; {@code function_call_output} items become
 *       {@code tool} messages.</li>
 *   <li>{@code reasoning} items are dropped: their content cannot be sent back to any upstream but an
 *       OpenAI one speaking Responses natively (which gets the request untranslated).</li>
 *   <li>Function tools map one to one; any other tool type is refused naming it. {@code tool_choice},
 *       {@code parallel_tool_calls}, {@code temperature}, {@code top_p}, {@code user} are kept;
 *       {@code max_output_tokens} becomes {@code max_completion_tokens}, {@code reasoning.effort}
 *       {@code reasoning_effort}, {@code text.format} {@code response_format}.</li>
 *   <li>Fields with no effect on the answer's content ({@code store}, {@code metadata}, {@code include},
 *       {@code prompt_cache_key}, {@code truncation}, {@code service_tier}...) are not sent on;
 *       {@code previous_response_id} is resolved before translation by the gateway. Features Sluice
 *       cannot serve ({@code background}, {@code conversation}, {@code prompt}) are refused.</li>
 * </ul>
 */
public final class ResponsesRequests {

    private static final Set<String> REFUSED = Set.of("background", "conversation", "prompt");

    private ResponsesRequests() {}

    /** The request with only its function tools (a copy; the request itself when it has no others). */
    public static JsonNode withFunctionToolsOnly(JsonNode request) {
        JsonNode tools = request.path("tools");
        boolean others = false;
        for (JsonNode t : tools) others |= !"function".equals(t.path("type").asText());
        if (!others) return request;
        ObjectNode copy = request.deepCopy();
        ArrayNode kept = copy.putArray("tools");
        for (JsonNode t : tools) if ("function".equals(t.path("type").asText())) kept.add(t.deepCopy());
        return copy;
    }

    public static ObjectNode toChat(JsonNode request) throws TranslationException {
        if (!request.isObject()) throw new TranslationException("request: expected a JSON object");
        for (String field : REFUSED) {
            JsonNode v = request.path(field);
            if (!v.isMissingNode() && !v.isNull() && !(v.isBoolean() && !v.asBoolean())) {
                throw new TranslationException(field + ": not available through Sluice");
            }
        }
        ObjectNode out = Json.object();
        Json.copy(request, "model", out, "model");
        ArrayNode messages = out.putArray("messages");
        JsonNode instructions = request.path("instructions");
        if (instructions.isTextual() && !instructions.asText().isEmpty()) {
            messages.addObject().put("role", "system").put("content", instructions.asText());
        } else if (!instructions.isMissingNode() && !instructions.isNull() && !instructions.isTextual()) {
            throw new TranslationException("instructions: must be a string");
        }
        ResponsesInput.input(request.path("input"), messages);
        tools(request, out);
        Json.copy(request, "parallel_tool_calls", out, "parallel_tool_calls");
        Json.copy(request, "temperature", out, "temperature");
        Json.copy(request, "top_p", out, "top_p");
        Json.copy(request, "user", out, "user");
        Json.copy(request, "max_output_tokens", out, "max_completion_tokens");
        JsonNode effort = request.path("reasoning").path("effort");
        if (effort.isTextual()) out.put("reasoning_effort", effort.asText());
        format(request.path("text").path("format"), out);
        if (request.path("stream").asBoolean(false)) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true); // the completed event carries usage
        }
        return out;
    }

    private static void tools(JsonNode request, ObjectNode out) throws TranslationException {
        JsonNode tools = request.path("tools");
        if (!tools.isMissingNode() && !tools.isNull() && !tools.isArray()) {
            throw new TranslationException("tools: must be an array");
        }
        if (!tools.isEmpty()) {
            ArrayNode translated = out.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode tool = tools.get(i);
                String type = tool.path("type").asText("");
                if (!"function".equals(type)) {
                    throw new TranslationException("tools[" + i + "].type: \"" + type + "\" tools cannot be"
                            + " translated for this provider (function tools can; responses.omit-unsupported-tools"
                            + " leaves the others out)");
                }
                ObjectNode function =
                        translated.addObject().put("type", "function").putObject("function");
                function.put("name", ResponsesInput.required(tool, "name", "tools[" + i + "]"));
                Json.copy(tool, "description", function, "description");
                Json.copy(tool, "parameters", function, "parameters");
                Json.copy(tool, "strict", function, "strict");
            }
        }
        JsonNode choice = request.path("tool_choice");
        if (choice.isTextual()) {
            out.put("tool_choice", choice.asText());
        } else if (choice.isObject()) {
            if (!"function".equals(choice.path("type").asText())
                    || !choice.path("name").isTextual()) {
                throw new TranslationException("tool_choice: expected \"auto\", \"required\", \"none\" or"
                        + " {\"type\": \"function\", \"name\": ...}");
            }
            out.putObject("tool_choice")
                    .put("type", "function")
                    .putObject("function")
                    .put("name", choice.path("name").asText());
        }
    }

    private static void format(JsonNode format, ObjectNode out) throws TranslationException {
        String type = format.path("type").asText("text");
        switch (type) {
            case "text" -> {}
            case "json_object" -> out.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode schema = out.putObject("response_format")
                        .put("type", "json_schema")
                        .putObject("json_schema");
                for (String f : new String[] {"name", "description", "schema", "strict"}) {
                    Json.copy(format, f, schema, f);
                }
            }
            default -> throw new TranslationException("text.format.type: \"" + type + "\" is not available");
        }
    }
}
