package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * What a stream has delivered to the client so far, read from the Anthropic events the sink writes:
 * whether the message started, whether any content did, which block is open, and — only when the
 * stream may be continued on another target — the text delivered, which becomes the continuation's
 * prefill. Blocks other than text (tool calls, thinking) make a stream impossible to continue.
 */
final class Delivered {
    private final @Nullable StringBuilder text;
    private boolean started;
    private boolean content;
    private boolean onlyText = true;
    private int openIndex = -1;
    private @Nullable String openType;
    private int blocks;

    /** @param keepText keep the delivered text (the continuation's prefill); off, a stream cannot be continued */
    Delivered(boolean keepText) {
        this.text = keepText ? new StringBuilder() : null;
    }

    void event(String type, ObjectNode data) {
        switch (type) {
            case "message_start" -> started = true;
            case "content_block_start" -> {
                openIndex = data.path("index").asInt(blocks);
                blocks = Math.max(blocks, openIndex + 1);
                openType = data.path("content_block").path("type").asText("");
                if (!"text".equals(openType)) {
                    onlyText = false;
                }
                String initial = data.path("content_block").path("text").asText("");
                if (!initial.isEmpty()) {
                    delivered(initial);
                }
            }
            case "content_block_delta" -> {
                content = true;
                if ("text_delta".equals(data.path("delta").path("type").asText(""))) {
                    delivered(data.path("delta").path("text").asText(""));
                }
            }
            case "content_block_stop" -> {
                openIndex = -1;
                openType = null;
            }
            default -> {}
        }
    }

    private void delivered(String t) {
        content = true;
        if (text != null) {
            text.append(t);
        }
    }

    /** Whether any content (a delta of any block) reached the sink. */
    boolean content() {
        return content;
    }

    /** The delivered text when the stream may be continued from it: started, only text, some text. */
    @Nullable
    String continuable() {
        return text != null && started && onlyText && !text.isEmpty() ? text.toString() : null;
    }

    /** The open text block's index, or -1 when no text block is open. */
    int openTextIndex() {
        return "text".equals(openType) ? openIndex : -1;
    }

    /** One past the highest block index delivered. */
    int blocks() {
        return blocks;
    }
}
