package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.answer.Answers;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Ids;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.StopReasons;
import dev.sluice.gateway.translate.shared.Usages;
import java.time.InstantSource;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI chunks from Anthropic events: {@code data: <chunk>\n\n}, a role chunk first, content /
 * reasoning_content / tool_calls deltas (a call's first delta has index, id, type and name, later
 * ones argument fragments only), a finish_reason chunk, the usage chunk if asked for, {@code [DONE]}.
 * Signature deltas and blocks OpenAI cannot express (redacted thinking, server tools) are skipped.
 * Chunks name the model message_start names (the one that answered), else the target model.
 */
final class OpenAiClientSink extends ClientSink {
    private String model;
    private final boolean includeUsage;
    private final long created;
    private String id = "";
    private int toolIndex = -1;
    private boolean toolOpen;

    OpenAiClientSink(boolean muted, String model, boolean includeUsage, InstantSource clock) {
        super(muted);
        this.model = model;
        this.includeUsage = includeUsage;
        this.created = clock.instant().getEpochSecond();
    }

    @Override
    void write(String type, ObjectNode data, StringBuilder out) {
        switch (type) {
            case "message_start" -> {
                id = data.path("message").path("id").asText(Ids.completion());
                model = Answers.answeredBy(data.path("message"), model);
                chunk(Json.object().put("role", "assistant").put("content", ""), null, out);
            }
            case "content_block_start" -> blockStart(data.path("content_block"), out);
            case "content_block_delta" -> delta(data.path("delta"), out);
            case "content_block_stop" -> toolOpen = false;
            case "message_delta" ->
                chunk(
                        Json.object(),
                        StopReasons.toOpenAi(
                                data.path("delta").path("stop_reason").textValue()),
                        out);
            case "message_stop" -> {
                if (includeUsage) {
                    ObjectNode root = envelope();
                    root.putArray("choices");
                    root.set("usage", Usages.toOpenAi(usage()));
                    data(Json.write(root), out);
                }
                data("[DONE]", out);
            }
            default -> {} // ping and unknown events have no OpenAI form
        }
    }

    private void blockStart(JsonNode block, StringBuilder out) {
        switch (block.path("type").asText("")) {
            case "text" -> text("content", block.path("text").asText(""), out);
            case "thinking" -> text("reasoning_content", block.path("thinking").asText(""), out);
            case "tool_use" -> {
                toolIndex++;
                toolOpen = true;
                ObjectNode delta = Json.object();
                ObjectNode call = delta.putArray("tool_calls").addObject();
                call.put("index", toolIndex)
                        .put("id", block.path("id").asText())
                        .put("type", "function");
                call.putObject("function")
                        .put("name", block.path("name").asText())
                        .put("arguments", "");
                chunk(delta, null, out);
            }
            default -> {}
        }
    }

    private void delta(JsonNode delta, StringBuilder out) {
        switch (delta.path("type").asText("")) {
            case "text_delta" -> text("content", delta.path("text").asText(""), out);
            case "thinking_delta" ->
                text("reasoning_content", delta.path("thinking").asText(""), out);
            case "input_json_delta" -> {
                if (!toolOpen) return;
                ObjectNode d = Json.object();
                d.putArray("tool_calls")
                        .addObject()
                        .put("index", toolIndex)
                        .putObject("function")
                        .put("arguments", delta.path("partial_json").asText(""));
                chunk(d, null, out);
            }
            default -> {} // signature_delta, citations_delta
        }
    }

    private void text(String field, String text, StringBuilder out) {
        if (!text.isEmpty()) chunk(Json.object().put(field, text), null, out);
    }

    private ObjectNode envelope() {
        return Json.object()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", model);
    }

    private void chunk(ObjectNode delta, @Nullable String finishReason, StringBuilder out) {
        ObjectNode root = envelope();
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        data(Json.write(root), out);
    }

    private static void data(String data, StringBuilder out) {
        out.append("data: ").append(data).append("\n\n");
    }

    @Override
    void continuing() {
        if (id.isEmpty()) {
            id = Ids.completion(); // a pass-through stream's chunks were the upstream's: the rest has an id of its own
        }
    }

    @Override
    String errorFrame(ErrorMapping error) {
        return "data: " + Json.write(error.openAiJson()) + "\n\n";
    }
}
