package dev.sluice.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Responses answer as SSE events, each {@code event: <type>} with data carrying the same {@code type}
 * and a {@code sequence_number} from 0: {@code response.created}, {@code response.in_progress}; for text,
 * {@code response.output_item.added} (the message), {@code response.content_part.added}, one
 * {@code response.output_text.delta} per word ({@code response.refusal.delta} for the content filter), its
 * {@code .done}, {@code response.content_part.done}, {@code response.output_item.done}; for each tool call,
 * {@code response.output_item.added} (the function call, empty arguments), one
 * {@code response.function_call_arguments.delta} per piece, {@code response.function_call_arguments.done},
 * {@code response.output_item.done}; last {@code response.completed} (or {@code response.incomplete}) with
 * the whole response. One event per frame, so a frame's index is its sequence number.
 */
final class ResponsesStream {
    private final Conversation c;
    private final List<Dialect.Frame> frames = new ArrayList<>();

    private ResponsesStream(Conversation c) {
        this.c = c;
    }

    static List<Dialect.Frame> frames(Conversation c, Answer answer) {
        ResponsesStream stream = new ResponsesStream(c);
        stream.write(answer);
        return stream.frames;
    }

    private void write(Answer answer) {
        add("response.created", Json.object().set("response", ResponsesDialect.envelope(c, "in_progress")), false);
        add("response.in_progress", Json.object().set("response", ResponsesDialect.envelope(c, "in_progress")), false);
        List<ObjectNode> done = ResponsesDialect.items(c, answer);
        if (answer.toolCalls().isEmpty()) text(answer, done.get(0));
        for (int i = 0; i < answer.toolCalls().size(); i++)
            toolCall(answer.toolCalls().get(i), i, done.get(i));
        ObjectNode response = ResponsesDialect.response(c, answer);
        String type =
                "incomplete".equals(response.path("status").asText()) ? "response.incomplete" : "response.completed";
        add(type, Json.object().set("response", response), false);
    }

    private void text(Answer answer, ObjectNode message) {
        String id = ResponsesDialect.messageId(c);
        boolean refusal = answer.stop() == Answer.Stop.REFUSAL;
        String kind = refusal ? "refusal" : "output_text";
        add("response.output_item.added", item(0, ResponsesDialect.message(c, "in_progress", Optional.empty())), false);
        add("response.content_part.added", part(id).set("part", ResponsesDialect.part(answer, "")), false);
        for (String word : answer.text()) {
            ObjectNode delta = part(id).put("delta", word);
            if (!refusal) delta.putArray("logprobs");
            add("response." + kind + ".delta", delta, true);
        }
        ObjectNode textDone = part(id).put(refusal ? "refusal" : "text", answer.joinedText());
        if (!refusal) textDone.putArray("logprobs");
        add("response." + kind + ".done", textDone, false);
        add(
                "response.content_part.done",
                part(id).set("part", ResponsesDialect.part(answer, answer.joinedText())),
                false);
        add("response.output_item.done", item(0, message), false);
    }

    private void toolCall(Answer.ToolCall call, int index, ObjectNode done) {
        String id = done.path("id").asText();
        add(
                "response.output_item.added",
                item(index, ResponsesDialect.functionCall(c, call, index, "", "in_progress")),
                false);
        for (String piece : call.pieces()) {
            add(
                    "response.function_call_arguments.delta",
                    Json.object().put("item_id", id).put("output_index", index).put("delta", piece),
                    true);
        }
        add(
                "response.function_call_arguments.done",
                Json.object()
                        .put("item_id", id)
                        .put("output_index", index)
                        .put("name", call.name())
                        .put("arguments", call.inputJson()),
                false);
        add("response.output_item.done", item(index, done), false);
    }

    private static ObjectNode item(int outputIndex, ObjectNode item) {
        return Json.object().put("output_index", outputIndex).set("item", item);
    }

    /** Where a content event points: the message, its output index and the one content part's index. */
    private static ObjectNode part(String itemId) {
        return Json.object().put("item_id", itemId).put("output_index", 0).put("content_index", 0);
    }

    private void add(String type, ObjectNode fields, boolean delta) {
        ObjectNode data = Json.object().put("type", type).put("sequence_number", frames.size());
        data.setAll(fields);
        frames.add(new Dialect.Frame(event(data), delta));
    }

    /** One SSE event named by its data's {@code type}. */
    static String event(ObjectNode data) {
        return "event: " + data.path("type").asText() + "\ndata: " + Json.write(data) + "\n\n";
    }
}
