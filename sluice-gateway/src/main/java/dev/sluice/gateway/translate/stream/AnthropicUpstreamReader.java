package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Json;

/**
 * Reads an Anthropic Messages stream, enforcing its order: message_start; per content block
 * content_block_start / content_block_delta* / content_block_stop with indexes 0..n, one open at a
 * time; message_delta; message_stop. {@code ping} is allowed anywhere, {@code error} ends the
 * stream as failed, unknown event types are tolerated (Anthropic may add some).
 */
final class AnthropicUpstreamReader implements Streams.UpstreamReader {
    private enum State {
        BEFORE_START,
        IN_MESSAGE,
        IN_BLOCK,
        AFTER_DELTA
    }

    private final ClientSink sink;
    private State state = State.BEFORE_START;
    private int nextIndex;
    private boolean finishSeen;

    AnthropicUpstreamReader(ClientSink sink) {
        this.sink = sink;
    }

    @Override
    public void read(SseEvent frame) throws TranslationException {
        if (frame.data().isBlank() && "message".equals(frame.event())) return;
        ObjectNode data = Json.parseObject(frame.data(), "event " + frame.event() + " data");
        String type = "message".equals(frame.event()) ? data.path("type").asText("") : frame.event();
        String where = "event " + type;
        if (data.path("type").isTextual() && !type.equals(data.path("type").asText())) {
            throw new TranslationException(
                    where + ": data.type is \"" + data.path("type").asText() + "\"");
        }
        switch (type) {
            case "error" -> {
                ErrorMapping error = ErrorMapping.read(Dialect.ANTHROPIC, 0, data);
                sink.error(error != null ? error : ErrorMapping.ofAnthropic("api_error", Json.write(data)));
                return;
            }
            case "message_start" -> {
                expect(State.BEFORE_START, where);
                state = State.IN_MESSAGE;
            }
            case "content_block_start" -> {
                expect(State.IN_MESSAGE, where);
                expectIndex(data, nextIndex, where);
                if (!data.path("content_block").isObject())
                    throw new TranslationException(where + ".content_block: required");
                state = State.IN_BLOCK;
            }
            case "content_block_delta" -> {
                expect(State.IN_BLOCK, where);
                expectIndex(data, nextIndex, where);
            }
            case "content_block_stop" -> {
                expect(State.IN_BLOCK, where);
                expectIndex(data, nextIndex, where);
                nextIndex++;
                state = State.IN_MESSAGE;
            }
            case "message_delta" -> {
                expect(State.IN_MESSAGE, where);
                state = State.AFTER_DELTA;
                finishSeen = data.path("delta").path("stop_reason").isTextual();
            }
            case "message_stop" -> {
                if (state != State.AFTER_DELTA && state != State.IN_MESSAGE) expect(State.AFTER_DELTA, where);
            }
            case "ping" -> {}
            default -> {
                return; // an event type this version does not know: tolerated, not forwarded
            }
        }
        sink.event(type, data);
    }

    /** A message_delta with a stop_reason was seen. */
    @Override
    public boolean finishSeen() {
        return finishSeen;
    }

    private void expect(State expected, String where) throws TranslationException {
        if (state != expected) {
            throw new TranslationException(where + ": out of order (stream state " + describe(state) + ", expected "
                    + describe(expected) + ")");
        }
    }

    private static void expectIndex(ObjectNode data, int expected, String where) throws TranslationException {
        if (!data.path("index").isInt() || data.path("index").asInt() != expected) {
            throw new TranslationException(where + ".index: expected " + expected + ", got " + data.path("index"));
        }
    }

    private static String describe(State state) {
        return switch (state) {
            case BEFORE_START -> "before message_start";
            case IN_MESSAGE -> "in the message, no block open";
            case IN_BLOCK -> "in an open content block";
            case AFTER_DELTA -> "after message_delta";
        };
    }
}
