package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Json;

/** Anthropic SSE: {@code event: <type>\ndata: <json>\n\n}. */
final class AnthropicClientSink extends ClientSink {

    AnthropicClientSink(boolean muted) {
        super(muted);
    }

    @Override
    void write(String type, ObjectNode data, StringBuilder out) {
        frame(type, Json.write(data), out);
    }

    @Override
    String errorFrame(ErrorMapping error) {
        StringBuilder out = new StringBuilder();
        frame("error", Json.write(error.anthropicJson()), out);
        return out.toString();
    }

    private static void frame(String type, String json, StringBuilder out) {
        out.append("event: ").append(type).append("\ndata: ").append(json).append("\n\n");
    }
}
