package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.answer.Answers;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Ids;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.StopReasons;
import dev.sluice.gateway.translate.shared.Usages;
import org.jspecify.annotations.Nullable;

/**
 * Reads an OpenAI Chat Completions stream: chunks with {@code choices[0].delta} (reasoning_content
 * or reasoning, content, tool_calls), a chunk with finish_reason, perhaps a usage chunk with empty
 * choices, then {@code [DONE]}, which alone ends the message (so the real usage can go in
 * message_delta). An {@code {"error":...}} chunk is the upstream's in-band error.
 */
final class OpenAiUpstreamReader implements Streams.UpstreamReader {
    private final ClientSink sink;
    private final AnthropicEventWriter writer;
    private @Nullable String finishReason;
    private boolean finished;
    private boolean anyTool;
    private int toolIndex = -1;
    private String toolId = "";
    private Usage usage = Usage.NONE;
    private boolean usageOnly;

    OpenAiUpstreamReader(ClientSink sink, AnthropicEventWriter writer) {
        this.sink = sink;
        this.writer = writer;
    }

    @Override
    public void read(SseEvent frame) throws TranslationException {
        usageOnly = false;
        String data = frame.data().strip();
        if (data.isEmpty()) return;
        if ("[DONE]".equals(data)) {
            writer.finish(StopReasons.fromOpenAi(finishReason, anyTool), usage);
            return;
        }
        ObjectNode chunk = Json.parseObject(data, "data");
        if (chunk.path("error").isObject() || chunk.path("error").isTextual()) {
            ErrorMapping error = ErrorMapping.read(Dialect.OPENAI, 0, chunk);
            sink.error(error != null ? error : ErrorMapping.ofAnthropic("api_error", Json.write(chunk)));
            return;
        }
        writer.start(
                chunk.path("id").isTextual() ? chunk.path("id").asText() : Ids.message(), Json.text(chunk, "model"));
        if (chunk.path("usage").isObject()) {
            usage = Usages.fromOpenAi(chunk.get("usage"));
            usageOnly = chunk.path("choices").isEmpty(); // the include_usage chunk: an empty array, or none
        }
        JsonNode choice = chunk.path("choices").path(0);
        if (!choice.isObject()) return;
        JsonNode delta = choice.path("delta");
        String reasoning = Answers.reasoning(delta);
        String content = Json.text(delta, "content");
        JsonNode calls = delta.path("tool_calls");
        if (finished && (reasoning != null || content != null || !calls.isEmpty())) {
            throw new TranslationException("choices[0].delta: content after finish_reason");
        }
        if (reasoning != null) writer.thinking(reasoning);
        if (content != null) writer.text(content);
        for (int j = 0; j < calls.size(); j++) toolCall(calls.get(j), "choices[0].delta.tool_calls[" + j + "]");
        if (choice.path("finish_reason").isTextual()) {
            finished = true;
            finishReason = choice.path("finish_reason").asText();
            writer.close();
        }
    }

    @Override
    public boolean usageOnly() {
        return usageOnly;
    }

    /** A chunk with a finish_reason was seen. */
    @Override
    public boolean finishSeen() {
        return finished;
    }

    private void toolCall(JsonNode call, String where) throws TranslationException {
        String id = Json.text(call, "id");
        int index = call.path("index").asInt(id != null && !id.equals(toolId) ? toolIndex + 1 : toolIndex);
        JsonNode function = call.path("function");
        boolean isNew = index != toolIndex || (id != null && !id.equals(toolId));
        if (isNew) {
            String name = Json.text(function, "name");
            if (id == null || name == null) {
                throw new TranslationException(
                        where + ": tool call " + index + " must start with id and function.name");
            }
            anyTool = true;
            toolIndex = index;
            toolId = id;
            writer.startTool(id, name);
        }
        String arguments = Json.text(function, "arguments");
        if (arguments != null) writer.toolArguments(arguments, where + ".function.arguments");
    }
}
