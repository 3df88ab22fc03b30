package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.shared.Usages;
import java.util.ArrayList;
import java.util.List;

/** What a client makes of a streamed answer: its blocks in order, the stop reason, the usage reported. */
record ClientStream(List<Block> blocks, String stop, Usage usage) {

    /** One content block: kind text / thinking / tool_use; for tools id, name and the joined arguments. */
    record Block(String kind, String text, String id, String name) {}

    static ClientStream ofAnthropic(String wire) {
        List<Block> blocks = new ArrayList<>();
        String stop = null;
        Usage usage = Usage.NONE;
        StringBuilder text = new StringBuilder();
        Block open = null;
        for (WireFrames.Frame frame : WireFrames.parse(wire)) {
            JsonNode data = StreamJson.parse(frame.data(), frame.event());
            switch (frame.event()) {
                case "message_start" ->
                    usage = Usages.merge(usage, data.path("message").path("usage"));
                case "content_block_start" -> {
                    JsonNode block = data.path("content_block");
                    open = new Block(
                            block.path("type").asText(),
                            "",
                            block.path("id").asText(null),
                            block.path("name").asText(null));
                    text.setLength(0);
                }
                case "content_block_delta" -> {
                    JsonNode delta = data.path("delta");
                    text.append(delta.path("text").asText(""))
                            .append(delta.path("thinking").asText(""))
                            .append(delta.path("partial_json").asText(""));
                }
                case "content_block_stop" ->
                    blocks.add(new Block(open.kind(), text.toString(), open.id(), open.name()));
                case "message_delta" -> {
                    stop = data.path("delta").path("stop_reason").asText();
                    usage = Usages.merge(usage, data.path("usage"));
                }
                default -> {}
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
                    blocks.add(new Block(
                            "tool_use",
                            "",
                            call.path("id").asText(),
                            call.path("function").path("name").asText()));
                }
                Block last = blocks.get(blocks.size() - 1);
                blocks.set(
                        blocks.size() - 1,
                        new Block(
                                "tool_use",
                                last.text()
                                        + call.path("function")
                                                .path("arguments")
                                                .asText(""),
                                last.id(),
                                last.name()));
            }
            if (choice.path("finish_reason").isTextual())
                stop = choice.path("finish_reason").asText();
        }
        return new ClientStream(blocks, stop, usage);
    }

    /**
     * A Responses stream, its order checked as it is read: every event's data names its type and the next
     * sequence number; response.created and response.in_progress first; each output item added, its deltas
     * and done events naming it, then done, one at a time, with the text the deltas built; one final
     * response.completed or response.incomplete whose output equals the items done.
     */
    static ClientStream ofResponses(String wire) {
        List<Block> blocks = new ArrayList<>();
        List<JsonNode> done = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        JsonNode open = null;
        JsonNode finished = null;
        int sequence = 0;
        for (WireFrames.Frame frame : WireFrames.parse(wire)) {
            JsonNode data = StreamJson.parse(frame.data(), frame.event());
            check(data.path("type").asText().equals(frame.event()), "data.type names the event: " + frame);
            check(data.path("sequence_number").asInt(-1) == sequence, "sequence_number " + sequence + ": " + frame);
            check(finished == null, "nothing after the final event: " + frame);
            check(
                    sequence > 1 || frame.event().equals(sequence == 0 ? "response.created" : "response.in_progress"),
                    "created, then in_progress first: " + frame);
            sequence++;
            switch (frame.event()) {
                case "response.output_item.added" -> {
                    check(open == null, "one item open at a time");
                    check(data.path("output_index").asInt() == done.size(), "output_index in order");
                    open = data.path("item");
                    text.setLength(0);
                }
                case "response.output_text.delta",
                        "response.reasoning_summary_text.delta",
                        "response.function_call_arguments.delta" -> {
                    check(
                            open != null
                                    && data.path("item_id")
                                            .asText()
                                            .equals(open.path("id").asText()),
                            "a delta names the open item: " + frame);
                    text.append(data.path("delta").asText());
                }
                case "response.output_text.done", "response.reasoning_summary_text.done" ->
                    check(data.path("text").asText().equals(text.toString()), "done text = deltas: " + frame);
                case "response.function_call_arguments.done" ->
                    check(
                            data.path("arguments").asText().equals(text.isEmpty() ? "{}" : text.toString()),
                            "done arguments = deltas: " + frame);
                case "response.output_item.done" -> {
                    JsonNode item = data.path("item");
                    check(
                            open != null
                                    && item.path("id")
                                            .asText()
                                            .equals(open.path("id").asText()),
                            "done names the open item");
                    done.add(item);
                    blocks.add(
                            switch (item.path("type").asText()) {
                                case "message" ->
                                    new Block(
                                            "text",
                                            item.path("content")
                                                    .path(0)
                                                    .path("text")
                                                    .asText(),
                                            null,
                                            null);
                                case "reasoning" ->
                                    new Block(
                                            "thinking",
                                            item.path("summary")
                                                    .path(0)
                                                    .path("text")
                                                    .asText(),
                                            null,
                                            null);
                                case "function_call" ->
                                    new Block(
                                            "tool_use",
                                            item.path("arguments").asText(),
                                            item.path("call_id").asText(),
                                            item.path("name").asText());
                                default -> throw new AssertionError("unexpected item " + item);
                            });
                    open = null;
                }
                case "response.completed", "response.incomplete" -> finished = data.path("response");
                case "response.created",
                        "response.in_progress",
                        "response.content_part.added",
                        "response.content_part.done",
                        "response.reasoning_summary_part.added",
                        "response.reasoning_summary_part.done" -> {}
                default -> throw new AssertionError("unexpected event " + frame);
            }
        }
        check(finished != null, "the stream ends with response.completed or response.incomplete");
        check(finished.path("output").size() == done.size(), "the final output holds every item done");
        for (int i = 0; i < done.size(); i++) {
            check(finished.path("output").get(i).equals(done.get(i)), "final output item " + i + " = its done event");
        }
        String stop = switch (finished.path("incomplete_details").path("reason").asText("")) {
            case "max_output_tokens" -> "max_tokens";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
        return new ClientStream(blocks, stop, Usages.fromResponses(finished.get("usage")));
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    private static void append(List<Block> blocks, String kind, String text) {
        if (text.isEmpty()) return;
        Block last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
        if (last != null && last.kind().equals(kind))
            blocks.set(blocks.size() - 1, new Block(kind, last.text() + text, null, null));
        else blocks.add(new Block(kind, text, null, null));
    }
}
