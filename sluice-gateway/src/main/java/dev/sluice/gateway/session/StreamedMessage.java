package dev.sluice.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Rebuilds the assistant message of an Anthropic SSE answer from its frames, for session history:
 * text blocks and tool_use blocks (input from its JSON fragments); thinking blocks are left out.
 * Bounded by what the caller feeds (the response cache's capture bound applies to the same frames).
 */
public final class StreamedMessage {

    private final ObjectMapper mapper;
    private final Map<Integer, ObjectNode> blocks = new TreeMap<>();
    private final Map<Integer, StringBuilder> text = new TreeMap<>();
    private long bytes;
    private static final long MAX_BYTES = 8L * 1024 * 1024;

    public StreamedMessage(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** One frame as written to the client ({@code event: x\ndata: {...}\n\n}). */
    public void add(byte[] frame) {
        bytes += frame.length;
        if (bytes > MAX_BYTES) {
            return;
        }
        String s = new String(frame, StandardCharsets.UTF_8);
        int d = s.indexOf("data: ");
        if (d < 0) {
            return;
        }
        JsonNode e;
        try {
            e = mapper.readTree(s.substring(d + 6).strip());
        } catch (IOException notJson) {
            return;
        }
        int index = e.path("index").asInt(-1);
        switch (e.path("type").asText()) {
            case "content_block_start" -> {
                JsonNode b = e.path("content_block");
                String type = b.path("type").asText();
                if (type.equals("text") || type.equals("tool_use")) {
                    blocks.put(index, ((ObjectNode) b).deepCopy());
                    text.put(index, new StringBuilder());
                }
            }
            case "content_block_delta" -> {
                StringBuilder sb = text.get(index);
                JsonNode delta = e.path("delta");
                if (sb != null) {
                    sb.append(
                            delta.has("text")
                                    ? delta.path("text").asText()
                                    : delta.path("partial_json").asText());
                }
            }
            default -> {}
        }
    }

    /** The rebuilt assistant message, or null when nothing usable arrived. */
    public @Nullable ObjectNode message() {
        if (blocks.isEmpty() || bytes > MAX_BYTES) {
            return null;
        }
        ObjectNode m = mapper.createObjectNode().put("role", "assistant");
        ArrayNode content = m.putArray("content");
        for (Map.Entry<Integer, ObjectNode> b : blocks.entrySet()) {
            ObjectNode block = b.getValue();
            // every block is put with its text builder
            String acc = Objects.requireNonNull(text.get(b.getKey())).toString();
            if (block.path("type").asText().equals("text")) {
                block.put("text", acc);
            } else {
                try {
                    block.set("input", acc.isBlank() ? mapper.createObjectNode() : mapper.readTree(acc));
                } catch (IOException e) {
                    return null;
                }
            }
            content.add(block);
        }
        return m;
    }
}
