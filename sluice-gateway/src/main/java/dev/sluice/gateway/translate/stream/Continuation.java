package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.shared.Usages;
import java.util.HashMap;
import java.util.Map;

/**
 * Splices a second upstream's answer into a stream already delivered in part: the continuation's
 * {@code message_start} is swallowed (the client has its message), its first text block merges into the
 * text block the break left open (else its blocks follow the delivered ones), every block index is moved
 * on accordingly, whitespace the prefill had to lose is not repeated, and usage adds both attempts.
 */
final class Continuation {
    private final Usage before;
    private final int mergeInto;
    private final Map<Integer, Integer> indexes = new HashMap<>();
    private int next;
    private boolean firstBlock = true;
    private boolean firstText = true;
    private final boolean trimmedWhitespace;
    private Usage own = Usage.NONE;

    /**
     * @param before the usage the broken attempt reported
     * @param delivered what the client has
     * @param trimmedWhitespace the prefill ended in whitespace that was cut off (Anthropic refuses it), so
     *     leading whitespace of the continuation's text is dropped
     */
    Continuation(Usage before, Delivered delivered, boolean trimmedWhitespace) {
        this.before = before;
        this.mergeInto = delivered.openTextIndex();
        this.next = delivered.blocks();
        this.trimmedWhitespace = trimmedWhitespace;
    }

    /** The open text block the continuation's first block cannot merge into, to close first; -1 when none. */
    int closeBefore(String type, ObjectNode data) {
        if (firstBlock && mergeInto >= 0 && "content_block_start".equals(type)) {
            return "text".equals(data.path("content_block").path("type").asText("")) ? -1 : mergeInto;
        }
        return -1;
    }

    /** Rewrites one continuation event for the client; false when the client must not see it. */
    boolean accept(String type, ObjectNode data) {
        return switch (type) {
            case "message_start" -> {
                own = Usages.merge(own, data.path("message").path("usage"));
                yield false;
            }
            case "content_block_start" -> blockStart(data);
            case "content_block_delta" -> {
                remap(data);
                yield textDelta(data);
            }
            case "content_block_stop" -> {
                remap(data);
                yield true;
            }
            case "message_delta" -> {
                own = Usages.merge(own, data.path("usage"));
                Usage sum = usage();
                data.putObject("usage")
                        .put("input_tokens", sum.inputTokens())
                        .put("output_tokens", sum.outputTokens())
                        .put("cache_read_input_tokens", sum.cacheReadTokens())
                        .put("cache_creation_input_tokens", sum.cacheWriteTokens());
                yield true;
            }
            default -> true;
        };
    }

    private boolean blockStart(ObjectNode data) {
        int index = data.path("index").asInt();
        boolean merge = firstBlock
                && mergeInto >= 0
                && "text".equals(data.path("content_block").path("type").asText(""));
        firstBlock = false;
        if (merge) {
            indexes.put(index, mergeInto);
            return false;
        }
        int mapped = next++;
        indexes.put(index, mapped);
        data.put("index", mapped);
        return true;
    }

    /** The first text of the continuation loses the whitespace the prefill lost (the client has it). */
    private boolean textDelta(ObjectNode data) {
        if (!firstText
                || !(data.path("delta") instanceof ObjectNode delta)
                || !"text_delta".equals(delta.path("type").asText(""))) {
            return true;
        }
        String t = delta.path("text").asText("");
        String kept = trimmedWhitespace ? t.stripLeading() : t;
        if (kept.isEmpty()) {
            return false; // only the whitespace the client already has
        }
        firstText = false;
        delta.put("text", kept);
        return true;
    }

    private void remap(ObjectNode data) {
        Integer mapped = indexes.get(data.path("index").asInt());
        if (mapped != null) {
            data.put("index", mapped);
        }
    }

    /** Both attempts' usage. */
    Usage usage() {
        return new Usage(
                before.inputTokens() + own.inputTokens(),
                before.outputTokens() + own.outputTokens(),
                before.cacheReadTokens() + own.cacheReadTokens(),
                before.cacheWriteTokens() + own.cacheWriteTokens());
    }
}
