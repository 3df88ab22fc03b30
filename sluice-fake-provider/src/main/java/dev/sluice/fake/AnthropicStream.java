package dev.sluice.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An Anthropic answer as SSE events: {@code message_start}, then per content block (thinking, text or
 * each tool use) {@code content_block_start}, its deltas and {@code content_block_stop}, with a
 * {@code ping} after the first block start; then {@code message_delta} with the output tokens and
 * {@code message_stop}.
 */
final class AnthropicStream {
    private final Conversation c;
    private final List<Dialect.Frame> frames = new ArrayList<>();
    private int index;

    private AnthropicStream(Conversation c) {
        this.c = c;
    }

    static List<Dialect.Frame> frames(Conversation c, Answer answer) {
        AnthropicStream stream = new AnthropicStream(c);
        stream.write(answer);
        return stream.frames;
    }

    private void write(Answer answer) {
        ObjectNode message = AnthropicDialect.message(c, null);
        message.set("usage", AnthropicDialect.usage(c.prompt()).put("output_tokens", 0));
        ObjectNode start = Json.object().put("type", "message_start");
        start.set("message", message);
        add("message_start", start, false);
        if (!answer.thinking().isEmpty()) {
            blockStart(Json.object().put("type", "thinking").put("thinking", ""));
            for (String piece : answer.thinking())
                delta(Json.object().put("type", "thinking_delta").put("thinking", piece));
            ObjectNode signature = Json.object().put("type", "signature_delta").put("signature", Answer.signature(c));
            add("content_block_delta", deltaEvent(signature), false);
            blockStop();
        }
        for (int i = 0; i < answer.toolCalls().size(); i++) {
            Answer.ToolCall call = answer.toolCalls().get(i);
            blockStart(AnthropicDialect.toolUse(c, call, i, false));
            for (String piece : call.pieces())
                delta(Json.object().put("type", "input_json_delta").put("partial_json", piece));
            blockStop();
        }
        if (AnthropicDialect.hasTextBlock(answer)) {
            blockStart(Json.object().put("type", "text").put("text", ""));
            for (String word : answer.text())
                delta(Json.object().put("type", "text_delta").put("text", word));
            blockStop();
        }
        ObjectNode messageDelta = Json.object();
        messageDelta.put("type", "message_delta");
        messageDelta
                .putObject("delta")
                .put("stop_reason", AnthropicDialect.stopReason(answer.stop()))
                .putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", answer.outputTokens());
        add("message_delta", messageDelta, false);
        add("message_stop", Json.object().put("type", "message_stop"), false);
    }

    private void blockStart(ObjectNode block) {
        ObjectNode event = Json.object().put("type", "content_block_start").put("index", index);
        event.set("content_block", block);
        add("content_block_start", event, false);
        if (index == 0) add("ping", Json.object().put("type", "ping"), false);
    }

    private void delta(ObjectNode delta) {
        add("content_block_delta", deltaEvent(delta), true);
    }

    private ObjectNode deltaEvent(ObjectNode delta) {
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        return event;
    }

    private void blockStop() {
        add(
                "content_block_stop",
                Json.object().put("type", "content_block_stop").put("index", index),
                false);
        index++;
    }

    private void add(String name, ObjectNode data, boolean delta) {
        frames.add(new Dialect.Frame("event: " + name + "\ndata: " + Json.write(data) + "\n\n", delta));
    }
}
