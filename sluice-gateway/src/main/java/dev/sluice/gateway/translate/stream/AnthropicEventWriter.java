package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.shared.Ids;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.Usages;
import org.jspecify.annotations.Nullable;

/**
 * Builds a well-ordered Anthropic event sequence from content as it arrives: message_start once,
 * one open content block at a time (a change of kind closes the open block and starts the next
 * index), message_delta and message_stop at the end.
 */
final class AnthropicEventWriter {
    private enum Block {
        NONE,
        TEXT,
        THINKING,
        TOOL
    }

    private final ClientSink sink;
    private final String model;
    private boolean started;
    private int index = -1;
    private Block open = Block.NONE;

    /** {@code model}: the target model, named when the upstream's frames name none. */
    AnthropicEventWriter(ClientSink sink, String model) {
        this.sink = sink;
        this.model = model;
    }

    /** message_start, once, naming the target model; usage is unknown yet and says 0. */
    void start(String id) {
        start(id, null);
    }

    /** message_start, once, naming {@code answeredBy} (the upstream frame's model), else the target model. */
    void start(String id, @Nullable String answeredBy) {
        if (started) return;
        started = true;
        ObjectNode message = Json.object()
                .put("id", id)
                .put("type", "message")
                .put("role", "assistant")
                .put("model", answeredBy != null ? answeredBy : model);
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        ObjectNode event = Json.object().put("type", "message_start");
        event.set("message", message);
        sink.event("message_start", event);
    }

    void text(String text) {
        if (open != Block.TEXT)
            open(Block.TEXT, Json.object().put("type", "text").put("text", ""));
        delta(Json.object().put("type", "text_delta").put("text", text));
    }

    void thinking(String text) {
        if (open != Block.THINKING) {
            open(
                    Block.THINKING,
                    Json.object().put("type", "thinking").put("thinking", "").put("signature", ""));
        }
        delta(Json.object().put("type", "thinking_delta").put("thinking", text));
    }

    void startTool(String id, String name) {
        ObjectNode block = Json.object().put("type", "tool_use").put("id", id).put("name", name);
        block.putObject("input");
        open(Block.TOOL, block);
    }

    void toolArguments(String fragment, String where) throws TranslationException {
        if (open != Block.TOOL)
            throw new TranslationException(where + ": tool-call arguments without an open tool call");
        delta(Json.object().put("type", "input_json_delta").put("partial_json", fragment));
    }

    void close() {
        if (open == Block.NONE) return;
        sink.event(
                "content_block_stop",
                Json.object().put("type", "content_block_stop").put("index", index));
        open = Block.NONE;
    }

    /** Closes the open block and ends the message with its stop reason and the real usage. */
    void finish(String stopReason, Usage usage) {
        start(Ids.message());
        close();
        ObjectNode event = Json.object().put("type", "message_delta");
        event.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        event.set("usage", Usages.toAnthropic(usage));
        sink.event("message_delta", event);
        sink.event("message_stop", Json.object().put("type", "message_stop"));
    }

    private void open(Block kind, ObjectNode block) {
        start(Ids.message());
        close();
        index++;
        open = kind;
        ObjectNode event = Json.object().put("type", "content_block_start").put("index", index);
        event.set("content_block", block);
        sink.event("content_block_start", event);
    }

    private void delta(ObjectNode delta) {
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        sink.event("content_block_delta", event);
    }
}
