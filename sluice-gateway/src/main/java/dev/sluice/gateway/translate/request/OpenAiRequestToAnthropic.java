package dev.sluice.gateway.translate.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Json;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI Chat Completions request -> Anthropic Messages request.
 *
 * <ul>
 *   <li>{@code system} and {@code developer} messages, wherever they stand (Claude Code puts some in
 *       the middle), become text blocks of the top-level {@code system}, in order.</li>
 *   <li>{@code tool} messages become {@code tool_result} blocks of a user message; consecutive
 *       messages of the same role are merged, as Anthropic requires alternation.</li>
 *   <li>{@code max_completion_tokens}, else {@code max_tokens}, else {@link #DEFAULT_MAX_TOKENS}:
 *       the one field added, because Anthropic requires it.</li>
 *   <li>{@code reasoning_effort} becomes {@code thinking} with a budget of 2048 (minimal, low),
 *       8192 (medium) or 16384 (high), lowered below {@code max_tokens} when it does not fit.</li>
 *   <li>Parameters without an Anthropic equivalent that do not change the answer's shape
 *       (penalties, seed, logit_bias, store, stream_options...) are dropped; {@code n > 1},
 *       {@code logprobs} and a JSON {@code response_format} cannot be expressed and are refused.</li>
 *   <li>{@code temperature} is passed as is (Anthropic accepts 0..1 and rejects more).</li>
 *   <li>Empty assistant text parts are dropped, and an assistant message left empty with them.</li>
 * </ul>
 */
public final class OpenAiRequestToAnthropic {
    /** Anthropic's {@code max_tokens} when the OpenAI request set no limit (Anthropic requires one). */
    public static final int DEFAULT_MAX_TOKENS = 4096;

    private OpenAiRequestToAnthropic() {}

    public static ObjectNode translate(JsonNode request) throws TranslationException {
        if (!request.isObject()) throw new TranslationException("request: expected a JSON object");
        refuseInexpressible(request);
        ObjectNode out = Json.object();
        Json.copy(request, "model", out, "model");
        long maxTokens = request.path("max_completion_tokens").isNumber()
                ? request.path("max_completion_tokens").asLong()
                : request.path("max_tokens").isNumber()
                        ? request.path("max_tokens").asLong()
                        : DEFAULT_MAX_TOKENS;
        out.put("max_tokens", maxTokens);
        ArrayNode system = Json.array();
        out.set("messages", OpenAiMessagesToAnthropic.translate(request.path("messages"), system));
        if (!system.isEmpty()) {
            out.set(
                    "system",
                    system.size() == 1 && system.get(0).size() == 2
                            ? system.get(0).get("text")
                            : system);
        }
        Json.copy(request, "temperature", out, "temperature");
        Json.copy(request, "top_p", out, "top_p");
        Json.copy(request, "top_k", out, "top_k");
        JsonNode stop = request.path("stop");
        if (stop.isTextual()) out.putArray("stop_sequences").add(stop.asText());
        else if (stop.isArray() && !stop.isEmpty()) out.set("stop_sequences", stop.deepCopy());
        Json.copy(request, "stream", out, "stream");
        if (request.path("user").isTextual())
            out.putObject("metadata").put("user_id", request.path("user").asText());
        tools(request, out);
        thinking(request, out, maxTokens);
        return out;
    }

    private static void refuseInexpressible(JsonNode request) throws TranslationException {
        if (request.path("n").asInt(1) > 1) {
            throw new TranslationException("n: only one choice can be generated when the upstream speaks Anthropic");
        }
        if (request.path("logprobs").asBoolean(false)) {
            throw new TranslationException("logprobs: not available when the upstream speaks Anthropic");
        }
        String format = request.path("response_format").path("type").asText("text");
        if (!"text".equals(format)) {
            throw new TranslationException(
                    "response_format.type: \"" + format + "\" is not available when the upstream speaks Anthropic");
        }
    }

    private static void tools(JsonNode request, ObjectNode out) throws TranslationException {
        JsonNode tools = request.path("tools");
        if (tools.isArray() && !tools.isEmpty()) {
            ArrayNode translated = out.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode tool = tools.get(i);
                if (!"function".equals(tool.path("type").asText("function"))) {
                    throw new TranslationException("tools[" + i + "].type: unsupported tool type \""
                            + tool.path("type").asText() + "\"");
                }
                JsonNode function = tool.path("function");
                if (!function.path("name").isTextual()) {
                    throw new TranslationException("tools[" + i + "].function.name: required");
                }
                ObjectNode t = translated.addObject();
                t.put("name", function.path("name").asText());
                Json.copy(function, "description", t, "description");
                JsonNode parameters = function.path("parameters");
                // Anthropic requires input_schema; an OpenAI function without parameters takes none.
                t.set(
                        "input_schema",
                        parameters.isObject()
                                ? parameters.deepCopy()
                                : Json.object().put("type", "object"));
            }
        }
        ObjectNode choice = toolChoice(request.path("tool_choice"));
        if (request.path("parallel_tool_calls").isBoolean()
                && !request.path("parallel_tool_calls").asBoolean()) {
            if (choice == null) choice = Json.object().put("type", "auto");
            if (!"none".equals(choice.path("type").asText())) choice.put("disable_parallel_tool_use", true);
        }
        if (choice != null) out.set("tool_choice", choice);
    }

    private static @Nullable ObjectNode toolChoice(JsonNode choice) throws TranslationException {
        if (choice.isMissingNode() || choice.isNull()) return null;
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> Json.object().put("type", "auto");
                case "required" -> Json.object().put("type", "any");
                case "none" -> Json.object().put("type", "none");
                default -> throw new TranslationException("tool_choice: unsupported value \"" + choice.asText() + "\"");
            };
        }
        if ("function".equals(choice.path("type").asText())
                && choice.path("function").path("name").isTextual()) {
            return Json.object()
                    .put("type", "tool")
                    .put("name", choice.path("function").path("name").asText());
        }
        throw new TranslationException("tool_choice: expected \"auto\", \"required\", \"none\" or a function");
    }

    private static void thinking(JsonNode request, ObjectNode out, long maxTokens) throws TranslationException {
        JsonNode effort = request.path("reasoning_effort");
        if (!effort.isTextual() || "none".equals(effort.asText())) return;
        long budget = switch (effort.asText()) {
            case "minimal", "low" -> 2048;
            case "medium" -> 8192;
            case "high" -> 16384;
            default ->
                throw new TranslationException("reasoning_effort: unsupported value \"" + effort.asText() + "\"");
        };
        if (budget >= maxTokens) budget = Math.max(1024, maxTokens - 1);
        out.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
    }
}
