package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Ids;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.StopReasons;
import dev.sluice.gateway.translate.shared.ToolArguments;
import dev.sluice.gateway.translate.shared.Usages;

/**
 * Reads Ollama's NDJSON stream: {@code {"message":{"content","thinking"?,"tool_calls"?},"done":false}}
 * lines, then {@code {"done":true,"done_reason","prompt_eval_count","eval_count"}}. A tool call
 * arrives whole and becomes one tool_use block with one input_json_delta holding all its input.
 * Ollama gives no message id, and tool-call ids only in recent versions: missing ones are generated
 * ({@code msg_...}, {@code toolu_...}).
 */
final class OllamaUpstreamReader implements Streams.UpstreamReader {
    private final ClientSink sink;
    private final AnthropicEventWriter writer;
    private boolean anyTool;
    private boolean done;

    OllamaUpstreamReader(ClientSink sink, AnthropicEventWriter writer) {
        this.sink = sink;
        this.writer = writer;
    }

    @Override
    public void read(SseEvent frame) throws TranslationException {
        if (frame.data().isBlank()) return;
        ObjectNode line = Json.parseObject(frame.data(), "line");
        if (line.path("error").isTextual()) {
            sink.error(ErrorMapping.ofOllama(0, line.path("error").asText()));
            return;
        }
        writer.start(Ids.message(), Json.text(line, "model"));
        JsonNode message = line.path("message");
        String thinking = Json.text(message, "thinking");
        if (thinking != null) writer.thinking(thinking);
        String content = Json.text(message, "content");
        if (content != null) writer.text(content);
        JsonNode calls = message.path("tool_calls");
        for (int i = 0; i < calls.size(); i++) {
            String where = "message.tool_calls[" + i + "].function";
            JsonNode function = calls.get(i).path("function");
            if (Json.text(function, "name") == null) throw new TranslationException(where + ".name: required");
            anyTool = true;
            String id = Json.text(calls.get(i), "id"); // recent Ollama versions give one
            writer.startTool(
                    id != null ? id : Ids.toolUse(), function.path("name").asText());
            writer.toolArguments(
                    Json.write(ToolArguments.parse(function.path("arguments"), where + ".arguments")),
                    where + ".arguments");
            writer.close();
        }
        if (line.path("done").asBoolean(false)) {
            done = true;
            writer.finish(
                    StopReasons.fromOllama(line.path("done_reason").asText(""), anyTool), Usages.fromOllama(line));
        }
    }

    /** The {@code done: true} line, which is also the terminator, was seen. */
    @Override
    public boolean finishSeen() {
        return done;
    }
}
