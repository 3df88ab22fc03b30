package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an Anthropic Messages SSE stream as a client receives it: message_start first; content
 * blocks with indexes 0..n, one open at a time, deltas matching their block's type, tool_use blocks
 * with an id and a name; message_delta with a stop_reason and usage; message_stop last. {@code ping}
 * is allowed anywhere. Throws {@link AssertionError} naming the offending frame.
 */
public final class AnthropicStreamOrder {
    private static final Map<String, Set<String>> DELTAS_BY_BLOCK = Map.of(
            "text", Set.of("text_delta", "citations_delta"),
            "thinking", Set.of("thinking_delta", "signature_delta"),
            "tool_use", Set.of("input_json_delta"),
            "server_tool_use", Set.of("input_json_delta"),
            "redacted_thinking", Set.of());

    private AnthropicStreamOrder() {}

    /** A complete stream, ending with message_stop. */
    public static void check(String wire) {
        String last = walk(wire);
        if (!"message_stop".equals(last))
            throw new AssertionError("stream does not end with message_stop (last: " + last + ")");
    }

    /** A complete stream given as wire frames. */
    public static void check(List<String> frames) {
        check(String.join("", frames));
    }

    /** A failed stream: well ordered up to an {@code event: error}, its last frame, and no message_stop. */
    public static void checkFailed(String wire) {
        String last = walk(wire);
        if (!"error".equals(last))
            throw new AssertionError("failed stream does not end with an error event (last: " + last + ")");
    }

    private static String walk(String wire) {
        List<WireFrames.Frame> frames = WireFrames.parse(wire);
        if (frames.isEmpty()) throw new AssertionError("empty stream");
        String state = "before";
        int nextIndex = 0;
        String openBlock = null;
        String last = null;
        for (int i = 0; i < frames.size(); i++) {
            WireFrames.Frame frame = frames.get(i);
            String at = "frame " + i + " (" + frame.event() + ")";
            if (last != null && (last.equals("message_stop") || last.equals("error"))) {
                throw new AssertionError(at + ": after " + last);
            }
            if (frame.event() == null) throw new AssertionError(at + ": no event: line");
            JsonNode data = StreamJson.parse(frame.data(), at);
            if (!frame.event().equals(data.path("type").asText())) {
                throw new AssertionError(at + ": data.type is " + data.path("type"));
            }
            last = frame.event();
            switch (frame.event()) {
                case "ping" -> {}
                case "error" -> {
                    if (!data.path("error").path("type").isTextual()
                            || !data.path("error").path("message").isTextual()) {
                        throw new AssertionError(at + ": error needs error.type and error.message");
                    }
                }
                case "message_start" -> {
                    expect(state, "before", at);
                    JsonNode message = data.path("message");
                    if (!message.path("id").isTextual()
                            || !message.path("usage").isObject()) {
                        throw new AssertionError(at + ": message needs id and usage");
                    }
                    state = "message";
                }
                case "content_block_start" -> {
                    if ("block".equals(state))
                        throw new AssertionError(at + ": a second block opened while " + openBlock + " is open");
                    expect(state, "message", at);
                    index(data, nextIndex, at);
                    openBlock = data.path("content_block").path("type").asText("");
                    if (!DELTAS_BY_BLOCK.containsKey(openBlock))
                        throw new AssertionError(at + ": unknown block type " + openBlock);
                    if (openBlock.endsWith("tool_use")
                            && (data.path("content_block").path("id").asText("").isEmpty()
                                    || data.path("content_block")
                                            .path("name")
                                            .asText("")
                                            .isEmpty())) {
                        throw new AssertionError(at + ": tool_use block without id or name");
                    }
                    state = "block";
                }
                case "content_block_delta" -> {
                    expect(state, "block", at);
                    index(data, nextIndex, at);
                    String delta = data.path("delta").path("type").asText("");
                    if (!DELTAS_BY_BLOCK.get(openBlock).contains(delta)) {
                        throw new AssertionError(at + ": " + delta + " in a " + openBlock + " block");
                    }
                }
                case "content_block_stop" -> {
                    expect(state, "block", at);
                    index(data, nextIndex, at);
                    nextIndex++;
                    state = "message";
                }
                case "message_delta" -> {
                    expect(state, "message", at);
                    if (!data.path("delta").path("stop_reason").isTextual())
                        throw new AssertionError(at + ": no stop_reason");
                    if (!data.path("usage").path("output_tokens").isNumber())
                        throw new AssertionError(at + ": no usage.output_tokens");
                    state = "delta";
                }
                case "message_stop" -> expect(state, "delta", at);
                default -> throw new AssertionError(at + ": unknown event");
            }
        }
        return last;
    }

    private static void expect(String state, String expected, String at) {
        if (!state.equals(expected))
            throw new AssertionError(at + ": out of order, state " + state + ", expected " + expected);
    }

    private static void index(JsonNode data, int expected, String at) {
        if (data.path("index").asInt(-1) != expected) {
            throw new AssertionError(at + ": index " + data.path("index") + ", expected " + expected);
        }
    }
}
