package dev.sluice.gateway.translate.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Json;

/**
 * A request asking its target to continue an answer: the client's request in its own dialect with an
 * assistant turn at the end holding the text already delivered (joined to the client's own final
 * assistant turn when it sent one, which the delivered text continues), and without reasoning settings,
 * which a prefill cannot go with. Translated to the target's dialect as any request is; an Anthropic
 * target takes the final assistant turn as a prefill, an OpenAI-compatible one needs
 * {@link #continueFinalMessage}.
 */
public final class Prefills {

    private Prefills() {}

    /** {@code request} (the client's, in {@code client}'s dialect) with {@code text} as the final assistant turn. */
    public static JsonNode withPrefill(Dialect client, JsonNode request, String text) {
        ObjectNode copy = request.deepCopy();
        switch (client) {
            case ANTHROPIC -> {
                copy.remove("thinking");
                append(copy.withArray("messages"), text, "text");
            }
            case OPENAI -> {
                copy.remove("reasoning_effort");
                append(copy.withArray("messages"), text, "text");
            }
            case RESPONSES -> {
                copy.remove("reasoning");
                JsonNode input = copy.path("input");
                ArrayNode items = Json.array();
                if (input.isTextual()) {
                    items.addObject().put("type", "message").put("role", "user").put("content", input.asText());
                } else if (input.isArray()) {
                    items.addAll((ArrayNode) input);
                }
                ObjectNode turn = items.addObject().put("type", "message").put("role", "assistant");
                turn.putArray("content").addObject().put("type", "output_text").put("text", text);
                copy.set("input", items);
            }
            case OLLAMA -> throw new IllegalArgumentException("Ollama is no client dialect");
        }
        return copy;
    }

    private static void append(ArrayNode messages, String text, String partType) {
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last instanceof ObjectNode turn
                && "assistant".equals(turn.path("role").asText())) {
            JsonNode content = turn.path("content");
            if (content.isTextual()) {
                turn.put("content", content.asText() + text);
                return;
            }
            if (content.isArray()) {
                ((ArrayNode) content).addObject().put("type", partType).put("text", text);
                return;
            }
        }
        messages.addObject().put("role", "assistant").put("content", text);
    }

    /**
     * An OpenAI chat request whose final assistant turn is to be continued, not answered: vLLM's and
     * SGLang's {@code continue_final_message}, without a new generation prompt.
     */
    public static byte[] continueFinalMessage(byte[] openAiRequest) throws TranslationException {
        ObjectNode body =
                Json.parseObject(new String(openAiRequest, java.nio.charset.StandardCharsets.UTF_8), "request");
        body.put("continue_final_message", true);
        body.put("add_generation_prompt", false);
        return Json.bytes(body);
    }
}
