package dev.sluice.gateway.translate.answer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.shared.Json;
import org.jspecify.annotations.Nullable;

/**
 * The Responses output items Sluice writes, for whole answers and streams alike: an assistant
 * {@code message} with one {@code output_text} part, a {@code function_call} (its {@code call_id} the
 * upstream's tool-call id, so the client's {@code function_call_output} finds its way back), and a
 * {@code reasoning} item whose summary holds the upstream's thinking text.
 */
public final class ResponseItems {

    private ResponseItems() {}

    public static ObjectNode message(String id, String status, @Nullable String text) {
        ObjectNode item = Json.object()
                .put("type", "message")
                .put("id", id)
                .put("status", status)
                .put("role", "assistant");
        item.putArray("content");
        if (text != null) item.withArray("content").add(outputText(text));
        return item;
    }

    public static ObjectNode outputText(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    public static ObjectNode functionCall(String id, String status, String callId, String name, String arguments) {
        return Json.object()
                .put("type", "function_call")
                .put("id", id)
                .put("status", status)
                .put("arguments", arguments)
                .put("call_id", callId)
                .put("name", name);
    }

    public static ObjectNode reasoning(String id, @Nullable String text) {
        ObjectNode item = Json.object().put("type", "reasoning").put("id", id);
        item.putArray("summary");
        if (text != null) item.withArray("summary").add(summaryText(text));
        return item;
    }

    public static ObjectNode summaryText(String text) {
        return Json.object().put("type", "summary_text").put("text", text);
    }
}
