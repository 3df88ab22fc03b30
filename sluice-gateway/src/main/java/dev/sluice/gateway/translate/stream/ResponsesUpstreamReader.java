package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.Usages;
import org.jspecify.annotations.Nullable;

/**
 * Reads a native Responses stream passed through to a Responses client (the only pairing with a
 * Responses upstream): its frames go to the client as they came, and this reader only tracks what the
 * gateway must know. response.completed or response.incomplete finish it, with the usage of the response
 * they carry; response.failed fails it (with the error of a preceding {@code error} event if it had none);
 * every frame's data must be a JSON object whose {@code type}, when given, matches the event.
 */
final class ResponsesUpstreamReader implements Streams.UpstreamReader {
    private final ClientSink sink;
    private boolean finishSeen;
    private @Nullable ErrorMapping lastError;

    ResponsesUpstreamReader(ClientSink sink) {
        this.sink = sink;
    }

    @Override
    public void read(SseEvent frame) throws TranslationException {
        if (frame.data().isBlank()) return;
        ObjectNode data = Json.parseObject(frame.data(), "event " + frame.event() + " data");
        String type = "message".equals(frame.event()) ? data.path("type").asText("") : frame.event();
        if (data.path("type").isTextual() && !type.equals(data.path("type").asText())) {
            throw new TranslationException(
                    "event " + type + ": data.type is \"" + data.path("type").asText() + "\"");
        }
        if (sink instanceof ResponsesClientSink responses) responses.passedThrough(type, data);
        switch (type) {
            case "error" ->
                lastError = ErrorMapping.ofOpenAi(
                        0,
                        null,
                        data.path("code").textValue(),
                        data.path("message").asText("the upstream reported an error"));
            case "response.failed" -> {
                JsonNode error = data.path("response").path("error");
                sink.error(
                        error.isObject()
                                ? ErrorMapping.ofOpenAi(
                                        0,
                                        null,
                                        error.path("code").textValue(),
                                        error.path("message").asText("the response failed"))
                                : lastError != null
                                        ? lastError
                                        : ErrorMapping.ofAnthropic("api_error", "the response failed"));
            }
            case "response.completed", "response.incomplete" -> {
                finishSeen = true;
                Usage usage = Usages.fromResponses(data.path("response").get("usage"));
                sink.event("message_delta", Json.object().set("usage", Usages.toAnthropic(usage)));
                sink.event("message_stop", Json.object());
            }
            default -> {}
        }
    }

    @Override
    public boolean finishSeen() {
        return finishSeen;
    }
}
