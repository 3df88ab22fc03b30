package dev.sluice.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** What a client makes of a streamed answer: its blocks in order, the stop reason, the usage reported. */
record ClientStream(List<Block> blocks, String stop, Usage usage) {

    /** One content block: kind text / thinking / tool_use; for tools id, name and the joined arguments. */
    record Block(String kind, String text, String id, String name) {
    }

    static ClientStream ofAnthropic(String wire) {
        List<Block> blocks = new ArrayList<>();
        String stop = null;
        Usage usage = Usage.NONE;
        StringBuilder text = new StringBuilder();
        Block open = null;
        for (WireFrames.Frame frame : WireFrames.parse(wire)) {
            JsonNode data = StreamJson.parse(frame.data(), frame.event());
            switch (frame.event()) {
                case "message_start" -> usage = Usages.merge(usage, data.path("message").path("usage"));
                case "content_block_start" -> {
                    JsonNode block = data.path("content_block");
                    open = new Block(block.path("type").asText(), "", block.path("id").asText(null), block.path("name").asText(null));
                    text.setLength(0);
                }
                case "content_block_delta" -> {
                    JsonNode delta = data.path("delta");
                    text.append(delta.path("text").asText(""))
                            .append(delta.path("thinking").asText("")).append(delta.path("partial_json").asText(""));
                }
                case "content_block_stop" -> blocks.add(new Block(open.kind(), text.toString(), open.id(), open.name()));
                case "message_delta" -> {
                    stop = data.path("delta").path("stop_reason").asText();
                    usage = Usages.merge(usage, data.path("usage"));
                }
                default -> { }
            }
        }
        return new ClientStream(blocks, stop, usage);
    }

    static ClientStream ofOpenAi(String wire) {
        List<Block> blocks = new ArrayList<>();
        String stop = null;
        Usage usage = Usage.NONE;
        for (WireFrames.Frame frame : WireFrames.parse(wire)) {
            if ("[DONE]".equals(frame.data())) continue;
            JsonNode chunk = StreamJson.parse(frame.data(), "chunk");
            if (chunk.path("usage").isObject()) usage = Usages.fromOpenAi(chunk.get("usage"));
            JsonNode choice = chunk.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            append(blocks, "thinking", delta.path("reasoning_content").asText(""));
            append(blocks, "text", delta.path("content").asText(""));
            for (JsonNode call : delta.path("tool_calls")) {
                if (call.has("id")) {
                    blocks.add(new Block("tool_use", "", call.path("id").asText(), call.path("function").path("name").asText()));
                }
                Block last = blocks.get(blocks.size() - 1);
                blocks.set(blocks.size() - 1, new Block("tool_use", last.text() + call.path("function").path("arguments").asText(""),
                        last.id(), last.name()));
            }
            if (choice.path("finish_reason").isTextual()) stop = choice.path("finish_reason").asText();
        }
        return new ClientStream(blocks, stop, usage);
    }

    private static void append(List<Block> blocks, String kind, String text) {
        if (text.isEmpty()) return;
        Block last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
        if (last != null && last.kind().equals(kind)) blocks.set(blocks.size() - 1, new Block(kind, last.text() + text, null, null));
        else blocks.add(new Block(kind, text, null, null));
    }
}
