package dev.sluice.gateway.translate.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Ids;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.Usages;
import java.time.InstantSource;
import org.jspecify.annotations.Nullable;

/**
 * The Responses {@code response} object around one translated answer: its id and creation time (fixed once,
 * so every streamed event names the same), the model that answered, the request's settings echoed as the
 * Responses API does (the SDKs read them), and the output items built by {@link ResponseItems}.
 */
public final class ResponseShell {
    private String id = Ids.response();
    private long createdAt;
    private final JsonNode request;
    private String model;

    public ResponseShell(JsonNode request, String model, InstantSource clock) {
        this.request = request;
        this.model = model;
        this.createdAt = clock.instant().getEpochSecond();
    }

    /** A passed-through upstream's own response (its id, creation time and model) is the one this shell stands for. */
    public void adopt(JsonNode upstreamResponse) {
        if (upstreamResponse.path("id").isTextual())
            id = upstreamResponse.path("id").asText();
        if (upstreamResponse.path("created_at").canConvertToLong())
            createdAt = upstreamResponse.path("created_at").asLong();
        if (upstreamResponse.path("model").isTextual())
            model = upstreamResponse.path("model").asText();
    }

    public void answeredBy(String model) {
        this.model = model;
    }

    public String model() {
        return model;
    }

    String id() {
        return id;
    }

    /** A response still being generated: no output yet, no usage. */
    public ObjectNode inProgress() {
        return response("in_progress", Json.array(), null);
    }

    /** The finished response: completed, or incomplete when the answer stopped at its token limit or a filter. */
    public ObjectNode finished(ArrayNode output, Usage usage, @Nullable String anthropicStopReason) {
        String incomplete = switch (anthropicStopReason == null ? "" : anthropicStopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "max_output_tokens";
            case "refusal" -> "content_filter";
            default -> null;
        };
        ObjectNode out = response(incomplete == null ? "completed" : "incomplete", output, usage);
        if (incomplete != null) out.putObject("incomplete_details").put("reason", incomplete);
        return out;
    }

    /** A response that failed after it started: the output so far, and the error. */
    public ObjectNode failed(ArrayNode output, Usage usage, ErrorMapping error) {
        ObjectNode out = response("failed", output, usage);
        out.set("error", error.responsesJson());
        return out;
    }

    private ObjectNode response(String status, ArrayNode output, @Nullable Usage usage) {
        ObjectNode out = Json.object()
                .put("id", id)
                .put("object", "response")
                .put("created_at", createdAt)
                .put("status", status);
        out.putNull("error");
        out.putNull("incomplete_details");
        echo(request, "instructions", out);
        echo(request, "max_output_tokens", out);
        out.put("model", model);
        out.set("output", output);
        out.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
        echo(request, "previous_response_id", out);
        ObjectNode reasoning = out.putObject("reasoning");
        echo(request.path("reasoning"), "effort", reasoning);
        echo(request.path("reasoning"), "summary", reasoning);
        out.put("store", request.path("store").asBoolean(true));
        echo(request, "temperature", out);
        if (request.path("text").isObject()) out.set("text", request.get("text").deepCopy());
        else out.putObject("text").putObject("format").put("type", "text");
        if (request.has("tool_choice"))
            out.set("tool_choice", request.get("tool_choice").deepCopy());
        else out.put("tool_choice", "auto");
        out.set("tools", request.path("tools").isArray() ? request.get("tools").deepCopy() : Json.array());
        echo(request, "top_p", out);
        out.put("truncation", request.path("truncation").asText("disabled"));
        if (usage == null) out.putNull("usage");
        else out.set("usage", Usages.toResponses(usage));
        echo(request, "user", out);
        out.set(
                "metadata",
                request.path("metadata").isObject() ? request.get("metadata").deepCopy() : Json.object());
        return out;
    }

    private static void echo(JsonNode from, String field, ObjectNode out) {
        JsonNode v = from.get(field);
        if (v == null) out.putNull(field);
        else out.set(field, v.deepCopy());
    }
}
