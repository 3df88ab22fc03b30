package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Checks an OpenAI Chat Completions stream as a client receives it: {@code data:} chunks only, one
 * id throughout, the first delta carrying role assistant; each tool call's first delta carrying its
 * index (0, 1, ... in order), id, type function and function.name, later ones only argument
 * fragments; exactly one finish_reason, after which only a usage chunk (empty choices) may come;
 * {@code [DONE]} last. Throws {@link AssertionError} naming the offending chunk.
 */
public final class OpenAiStreamOrder {

    private OpenAiStreamOrder() {}

    /** A complete stream, ending with {@code data: [DONE]}. */
    public static void check(String wire) {
        String last = walk(wire);
        if (!"[DONE]".equals(last)) throw new AssertionError("stream does not end with [DONE] (last: " + last + ")");
    }

    /** A complete stream given as wire frames. */
    public static void check(List<String> frames) {
        check(String.join("", frames));
    }

    /** A failed stream: well ordered up to an {@code {"error":...}} chunk, its last frame, no [DONE]. */
    public static void checkFailed(String wire) {
        String last = walk(wire);
        if (!"error".equals(last))
            throw new AssertionError("failed stream does not end with an error chunk (last: " + last + ")");
    }

    private static String walk(String wire) {
        List<WireFrames.Frame> frames = WireFrames.parse(wire);
        if (frames.isEmpty()) throw new AssertionError("empty stream");
        String id = null;
        boolean roleSeen = false;
        boolean finished = false;
        boolean usageSeen = false;
        int tools = 0;
        String last = null;
        for (int i = 0; i < frames.size(); i++) {
            WireFrames.Frame frame = frames.get(i);
            String at = "chunk " + i;
            if ("[DONE]".equals(last) || "error".equals(last)) throw new AssertionError(at + ": after " + last);
            if (frame.event() != null) throw new AssertionError(at + ": OpenAI streams have no event: lines");
            if ("[DONE]".equals(frame.data())) {
                if (!finished) throw new AssertionError(at + ": [DONE] before any finish_reason");
                last = "[DONE]";
                continue;
            }
            JsonNode chunk = StreamJson.parse(frame.data(), at);
            if (chunk.has("error")) {
                if (!chunk.path("error").path("message").isTextual()
                        || !chunk.path("error").has("type")) {
                    throw new AssertionError(at + ": error needs message and type");
                }
                last = "error";
                continue;
            }
            last = "chunk";
            if (!"chat.completion.chunk".equals(chunk.path("object").asText()))
                throw new AssertionError(at + ": object is " + chunk.path("object"));
            if (id == null) id = chunk.path("id").asText();
            if (id.isEmpty() || !id.equals(chunk.path("id").asText()))
                throw new AssertionError(at + ": id " + chunk.path("id") + " differs from " + id);
            JsonNode choices = chunk.path("choices");
            if (choices.isEmpty()) {
                if (!chunk.path("usage").isObject()) throw new AssertionError(at + ": empty choices without usage");
                if (!finished) throw new AssertionError(at + ": usage chunk before finish_reason");
                if (usageSeen) throw new AssertionError(at + ": a second usage chunk");
                usageSeen = true;
                continue;
            }
            if (usageSeen) throw new AssertionError(at + ": choices after the usage chunk");
            if (finished) throw new AssertionError(at + ": a choice after finish_reason");
            JsonNode delta = choices.path(0).path("delta");
            if (!roleSeen && !"assistant".equals(delta.path("role").asText()))
                throw new AssertionError(at + ": first delta without role assistant");
            roleSeen = true;
            for (JsonNode call : delta.path("tool_calls")) {
                int index = call.path("index").asInt(-1);
                if (index == tools) {
                    if (!call.path("id").isTextual()
                            || call.path("id").asText().isEmpty()
                            || !"function".equals(call.path("type").asText())
                            || call.path("function").path("name").asText("").isEmpty()) {
                        throw new AssertionError(
                                at + ": tool call " + index + " does not start with id, type function and name");
                    }
                    tools++;
                } else if (index != tools - 1) {
                    throw new AssertionError(
                            at + ": tool call index " + index + " out of order (open: " + (tools - 1) + ")");
                } else if (call.has("id") || call.path("function").has("name")) {
                    throw new AssertionError(at + ": continuation of tool call " + index + " repeats id or name");
                }
            }
            if (choices.path(0).path("finish_reason").isTextual()) finished = true;
        }
        return last;
    }
}
