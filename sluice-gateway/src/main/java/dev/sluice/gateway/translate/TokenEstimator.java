package dev.sluice.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.gateway.translate.shared.Json;

/**
 * An <em>estimate</em> of an Anthropic request's input tokens, for upstreams that cannot count them
 * (OpenAI-compatible servers and Ollama have no count_tokens endpoint; an Anthropic upstream
 * should be asked instead). It counts with OpenAI's o200k_base tokenizer (jtokkit), which is not
 * the tokenizer of Claude or of a local model, so expect it to be off by some percent: the system
 * prompt, message texts, thinking, tool names, descriptions and input schemas, tool inputs and
 * results, plus {@value #PER_MESSAGE} tokens per message and {@value #PER_IMAGE} per image (the size
 * of a large image; images are not decoded).
 */
public final class TokenEstimator {
    static final int PER_MESSAGE = 4;
    static final int PER_IMAGE = 1600;
    private static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    private TokenEstimator() {}

    /** The estimated input tokens of {@code anthropicRequest}; 0 for an empty request. */
    public static int estimate(JsonNode anthropicRequest) {
        long total = content(anthropicRequest.path("system"));
        for (JsonNode message : anthropicRequest.path("messages")) {
            total += PER_MESSAGE + content(message.path("content"));
        }
        for (JsonNode tool : anthropicRequest.path("tools")) {
            total += count(tool.path("name").asText(""))
                    + count(tool.path("description").asText(""));
            if (tool.has("input_schema")) total += count(Json.write(tool.get("input_schema")));
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    private static long content(JsonNode content) {
        if (content.isTextual()) return count(content.asText());
        long total = 0;
        for (JsonNode block : content) {
            total += switch (block.path("type").asText("")) {
                case "text" -> count(block.path("text").asText(""));
                case "thinking" -> count(block.path("thinking").asText(""));
                case "image" -> PER_IMAGE;
                case "tool_use" -> count(block.path("name").asText("")) + count(Json.write(block.path("input")));
                case "tool_result" -> content(block.path("content"));
                default -> 0;
            };
        }
        return total;
    }

    private static int count(String text) {
        return text.isEmpty() ? 0 : ENCODING.countTokensOrdinary(text);
    }
}
