package dev.sluice.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI answer as SSE chunks: the role first; {@code reasoning_content} deltas when thinking; then
 * {@code content} deltas, or per tool call a chunk with its index, id, type and name followed by its
 * argument pieces; a chunk with the finish reason; when {@code stream_options.include_usage}, a chunk
 * with empty choices and the usage (every other chunk then has {@code "usage": null}); {@code [DONE]}.
 */
final class OpenAiStream {
    private final Conversation c;
    private final List<Dialect.Frame> frames = new ArrayList<>();

    private OpenAiStream(Conversation c) {
        this.c = c;
    }

    static List<Dialect.Frame> frames(Conversation c, Answer answer) {
        OpenAiStream stream = new OpenAiStream(c);
        stream.write(answer);
        return stream.frames;
    }

    private void write(Answer answer) {
        boolean tools = !answer.toolCalls().isEmpty();
        boolean thinking = !answer.thinking().isEmpty();
        ObjectNode first = Json.object().put("role", "assistant");
        if (tools) first.putNull("content");
        else first.put("content", "");
        if (tools && !thinking) toolCallStart(first, answer.toolCalls().get(0), 0);
        chunk(first, null, false);
        for (String piece : answer.thinking()) chunk(Json.object().put("reasoning_content", piece), null, true);
        for (int i = 0; i < answer.toolCalls().size(); i++) {
            Answer.ToolCall call = answer.toolCalls().get(i);
            if (i > 0 || thinking) chunk(toolCallStart(Json.object(), call, i), null, false);
            for (String piece : call.pieces()) {
                ObjectNode delta = Json.object();
                delta.putArray("tool_calls")
                        .addObject()
                        .put("index", i)
                        .putObject("function")
                        .put("arguments", piece);
                chunk(delta, null, true);
            }
        }
        for (String word : answer.text()) chunk(Json.object().put("content", word), null, true);
        chunk(Json.object(), OpenAiDialect.finishReason(answer.stop()), false);
        if (c.includeUsage()) {
            ObjectNode root = OpenAiDialect.envelope(c, "chat.completion.chunk");
            root.putArray("choices");
            root.set("usage", OpenAiDialect.usage(c, answer));
            frames.add(new Dialect.Frame("data: " + Json.write(root) + "\n\n", false));
        }
        frames.add(new Dialect.Frame("data: [DONE]\n\n", false));
    }

    /** Adds to {@code delta} the first chunk of tool call {@code index}: index, id, type and name, no arguments. */
    private ObjectNode toolCallStart(ObjectNode delta, Answer.ToolCall call, int index) {
        ObjectNode entry = delta.putArray("tool_calls").addObject();
        entry.put("index", index).put("id", OpenAiDialect.callId(c, index)).put("type", "function");
        entry.putObject("function").put("name", call.name()).put("arguments", "");
        return delta;
    }

    private void chunk(ObjectNode delta, String finishReason, boolean isDelta) {
        ObjectNode root = OpenAiDialect.envelope(c, "chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        if (c.includeUsage()) root.putNull("usage");
        frames.add(new Dialect.Frame("data: " + Json.write(root) + "\n\n", isDelta));
    }
}
