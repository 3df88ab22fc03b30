package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** One provider API's shape: how its requests are read and its answers, streams and errors are written. */
interface Dialect {

    /** One unit written and flushed on its own; {@code delta} frames carry content and are paced. */
    record Frame(String text, boolean delta) {}

    /** Validates and reads a generation request. @throws BadRequest naming the field */
    Conversation parse(JsonNode root, long digest);

    /**
     * The text of the assistant turn that ends the request, when the dialect continues it (a prefill):
     * empty when there is none, it has no text, or no message comes before it.
     */
    default Optional<String> prefill(JsonNode root) {
        return Optional.empty();
    }

    /** Whether the request's last message is an assistant turn (what the refuse-prefill fault refuses). */
    default boolean endsWithAssistant(JsonNode root) {
        JsonNode messages = root.path("messages");
        return messages.isArray()
                && !messages.isEmpty()
                && "assistant"
                        .equals(messages.get(messages.size() - 1).path("role").asText());
    }

    /**
     * The text of a last {@code messages} entry that is an assistant turn of text only (a string, or blocks
     * that are strings or {@code type: "text"}), non-empty, after at least one other message.
     */
    static Optional<String> trailingAssistantText(JsonNode root) {
        JsonNode messages = root.path("messages");
        if (!messages.isArray() || messages.size() < 2) return Optional.empty();
        JsonNode last = messages.get(messages.size() - 1);
        if (!"assistant".equals(last.path("role").asText())) return Optional.empty();
        JsonNode content = last.path("content");
        if (content.isArray()) {
            for (JsonNode block : content) {
                if (!block.isTextual() && !"text".equals(block.path("type").asText())) return Optional.empty();
            }
        } else if (!content.isTextual()) {
            return Optional.empty();
        }
        String text = Conversation.text(content);
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** A copy of the request without its last message. */
    static JsonNode withoutLastMessage(JsonNode root) {
        ObjectNode copy = (ObjectNode) root.deepCopy();
        ArrayNode messages = (ArrayNode) copy.path("messages");
        messages.remove(messages.size() - 1);
        return copy;
    }

    /** The non-streaming response body. */
    String body(Conversation conversation, Answer answer);

    /** A non-streaming body that is not valid JSON, for the {@code malformed} fault. */
    String malformedBody();

    /** Every frame of a streamed answer; the last one is the terminator. */
    List<Frame> frames(Conversation conversation, Answer answer);

    String streamContentType();

    /** A frame whose data is not JSON, for the {@code malformed} fault. */
    String malformedFrame();

    /**
     * The in-band error of the {@code stream-error} fault, mid-stream after {@code framesSent} frames: the
     * dialect's error event, and whatever must follow it; the stream ends after it.
     */
    String streamError(Conversation conversation, ErrorKind kind, String message, int framesSent);

    /** The error body in this dialect. */
    String error(ErrorKind kind, String message);

    int status(ErrorKind kind);

    static int maxTokens(JsonNode node, String field) {
        return positiveInt(node, field).orElse(Integer.MAX_VALUE);
    }

    /** The positive integer {@code field} of {@code node}; empty when absent or null. @throws BadRequest naming it */
    static OptionalInt positiveInt(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) return OptionalInt.empty();
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
            throw new BadRequest(field + ": must be a positive integer, was " + value);
        }
        return OptionalInt.of(value.asInt());
    }

    static String requireModel(JsonNode root, String message) {
        JsonNode model = root.path("model");
        if (!model.isTextual() || model.asText().isBlank()) throw new BadRequest(message);
        return model.asText();
    }
}
