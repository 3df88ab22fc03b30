package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.answer.Answers;
import dev.sluice.gateway.translate.answer.ResponseItems;
import dev.sluice.gateway.translate.answer.ResponseShell;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Ids;
import dev.sluice.gateway.translate.shared.Json;
import java.time.InstantSource;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Responses stream events from Anthropic events, each {@code event: <type>\ndata: <json>\n\n} with an
 * increasing {@code sequence_number}: response.created and response.in_progress; per content block an
 * output item (added, its part or summary part added, deltas, done events, item done); at the end
 * response.completed (or response.incomplete at the token limit) carrying the whole response with its
 * usage. A failure sends {@code error} and then response.failed with the output so far: never a completion.
 *
 * <p>The finished items are kept for the final event, as the Responses API requires: the answer's text is
 * held once more here, bounded like the answer itself by the request's output token limit.
 */
final class ResponsesClientSink extends ClientSink {
    private enum Open {
        NONE,
        TEXT,
        REASONING,
        CALL
    }

    private final ResponseShell shell;
    private final ArrayNode output = Json.array();
    private int sequence;
    private Open open = Open.NONE;
    private @Nullable ObjectNode item;
    private final StringBuilder buffer = new StringBuilder();
    private @Nullable String stopReason;

    ResponsesClientSink(boolean muted, JsonNode request, String targetModel, InstantSource clock) {
        super(muted);
        this.shell = new ResponseShell(request, targetModel, clock);
    }

    @Override
    void write(String type, ObjectNode data, StringBuilder out) {
        switch (type) {
            case "message_start" -> {
                shell.answeredBy(Answers.answeredBy(data.path("message"), shell.model()));
                emit("response.created", Json.object().set("response", shell.inProgress()), out);
                emit("response.in_progress", Json.object().set("response", shell.inProgress()), out);
            }
            case "content_block_start" -> start(data.path("content_block"), out);
            case "content_block_delta" -> delta(data.path("delta"), out);
            case "content_block_stop" -> stop(out);
            case "message_delta" ->
                stopReason = data.path("delta").path("stop_reason").textValue();
            case "message_stop" -> {
                ObjectNode response = shell.finished(output, usage(), stopReason);
                String event = "incomplete".equals(response.path("status").asText())
                        ? "response.incomplete"
                        : "response.completed";
                emit(event, Json.object().set("response", response), out);
            }
            default -> {} // ping has no Responses form
        }
    }

    /**
     * A frame of a native Responses stream passed through as it came: tracked so that an error Sluice adds
     * after it (the upstream cut, stalled...) continues its sequence numbers and fails its response, with
     * the items it finished.
     */
    void passedThrough(String type, JsonNode data) {
        if (data.path("sequence_number").canConvertToInt())
            sequence = data.path("sequence_number").asInt() + 1;
        if (data.path("response").isObject()) shell.adopt(data.path("response"));
        if ("response.output_item.done".equals(type) && data.path("item").isObject())
            output.add(data.get("item").deepCopy());
    }

    private void start(JsonNode block, StringBuilder out) {
        buffer.setLength(0);
        switch (block.path("type").asText("")) {
            case "text" -> {
                open = Open.TEXT;
                item = ResponseItems.message(Ids.item("msg_"), "in_progress", null);
                itemAdded(out);
                emit("response.content_part.added", part().set("part", ResponseItems.outputText("")), out);
                textDelta("response.output_text.delta", block.path("text").asText(""), out);
            }
            case "thinking" -> {
                open = Open.REASONING;
                item = ResponseItems.reasoning(Ids.item("rs_"), null);
                itemAdded(out);
                emit(
                        "response.reasoning_summary_part.added",
                        summary().set("part", ResponseItems.summaryText("")),
                        out);
                textDelta(
                        "response.reasoning_summary_text.delta",
                        block.path("thinking").asText(""),
                        out);
            }
            case "tool_use" -> {
                open = Open.CALL;
                item = ResponseItems.functionCall(
                        Ids.item("fc_"),
                        "in_progress",
                        block.path("id").asText(),
                        block.path("name").asText(),
                        "");
                itemAdded(out);
            }
            default -> open = Open.NONE; // redacted thinking, server tools: no Responses form
        }
    }

    private void delta(JsonNode delta, StringBuilder out) {
        switch (delta.path("type").asText("")) {
            case "text_delta" -> {
                if (open == Open.TEXT)
                    textDelta("response.output_text.delta", delta.path("text").asText(""), out);
            }
            case "thinking_delta" -> {
                if (open == Open.REASONING) {
                    textDelta(
                            "response.reasoning_summary_text.delta",
                            delta.path("thinking").asText(""),
                            out);
                }
            }
            case "input_json_delta" -> {
                if (open == Open.CALL) {
                    String fragment = delta.path("partial_json").asText("");
                    buffer.append(fragment);
                    if (!fragment.isEmpty()) {
                        emit("response.function_call_arguments.delta", itemRef().put("delta", fragment), out);
                    }
                }
            }
            default -> {} // signature_delta, citations_delta
        }
    }

    private void stop(StringBuilder out) {
        String text = buffer.toString();
        switch (open) {
            case TEXT -> {
                ObjectNode textDone = part().put("text", text);
                textDone.putArray("logprobs");
                emit("response.output_text.done", textDone, out);
                emit("response.content_part.done", part().set("part", ResponseItems.outputText(text)), out);
                item = ResponseItems.message(openItem().path("id").asText(), "completed", text);
            }
            case REASONING -> {
                emit("response.reasoning_summary_text.done", summary().put("text", text), out);
                emit(
                        "response.reasoning_summary_part.done",
                        summary().set("part", ResponseItems.summaryText(text)),
                        out);
                item = ResponseItems.reasoning(openItem().path("id").asText(), text);
            }
            case CALL -> {
                String arguments = text.isEmpty() ? "{}" : text;
                emit(
                        "response.function_call_arguments.done",
                        itemRef().put("name", openItem().path("name").asText()).put("arguments", arguments),
                        out);
                item = ResponseItems.functionCall(
                        openItem().path("id").asText(),
                        "completed",
                        openItem().path("call_id").asText(),
                        openItem().path("name").asText(),
                        arguments);
            }
            case NONE -> {
                return;
            }
        }
        emit(
                "response.output_item.done",
                Json.object().put("output_index", output.size()).set("item", item),
                out);
        output.add(item);
        open = Open.NONE;
        buffer.setLength(0);
    }

    private void itemAdded(StringBuilder out) {
        emit(
                "response.output_item.added",
                Json.object()
                        .put("output_index", output.size())
                        .set("item", openItem().deepCopy()),
                out);
    }

    private void textDelta(String event, String text, StringBuilder out) {
        if (text.isEmpty()) return;
        buffer.append(text);
        ObjectNode data = event.contains("summary") ? summary() : part();
        data.put("delta", text);
        if (!event.contains("summary")) data.putArray("logprobs");
        emit(event, data, out);
    }

    /** The item being streamed: every event that names it comes after the one that opened it. */
    private ObjectNode openItem() {
        return Objects.requireNonNull(item, "an item is open");
    }

    private ObjectNode itemRef() {
        return Json.object().put("item_id", openItem().path("id").asText()).put("output_index", output.size());
    }

    private ObjectNode part() {
        return itemRef().put("content_index", 0);
    }

    private ObjectNode summary() {
        return itemRef().put("summary_index", 0);
    }

    private void emit(String type, ObjectNode data, StringBuilder out) {
        ObjectNode event = Json.object().put("type", type);
        event.setAll(data);
        event.put("sequence_number", sequence++);
        out.append("event: ")
                .append(type)
                .append("\ndata: ")
                .append(Json.write(event))
                .append("\n\n");
    }

    @Override
    String errorFrame(ErrorMapping error) {
        StringBuilder out = new StringBuilder();
        ObjectNode data = Json.object()
                .put("code", error.responsesJson().path("code").asText())
                .put("message", error.message());
        data.putNull("param");
        emit("error", data, out);
        // response.failed also when nothing had started: clients such as Codex act on it, not on error
        emit("response.failed", Json.object().set("response", shell.failed(output, usage(), error)), out);
        return out.toString();
    }
}
