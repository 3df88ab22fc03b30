package dev.sluice.gateway.translate.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Json;

/** Image blocks: Anthropic base64/url sources <-> OpenAI image_url (data: or https: URLs) <-> Ollama base64. */
final class Images {

    private Images() {}

    static ObjectNode openAiToAnthropic(JsonNode imageUrl, String where) throws TranslationException {
        String url =
                imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText("");
        ObjectNode block = Json.object().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String header = comma < 0 ? "" : url.substring(5, comma);
            if (!header.endsWith(";base64")) {
                throw new TranslationException(where + ": only base64 data URLs are supported");
            }
            source.put("type", "base64")
                    .put("media_type", header.substring(0, header.length() - 7))
                    .put("data", url.substring(comma + 1));
        } else if (url.startsWith("https://") || url.startsWith("http://")) {
            source.put("type", "url").put("url", url);
        } else {
            throw new TranslationException(where + ": expected a data: or https: URL");
        }
        return block;
    }

    static ObjectNode anthropicToOpenAi(JsonNode block, String where) throws TranslationException {
        JsonNode source = block.path("source");
        String url = switch (source.path("type").asText("")) {
            case "base64" ->
                "data:" + source.path("media_type").asText() + ";base64,"
                        + source.path("data").asText();
            case "url" -> source.path("url").asText();
            default ->
                throw new TranslationException(where + ".source.type: unsupported image source \""
                        + source.path("type").asText() + "\"");
        };
        ObjectNode part = Json.object().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    /** Base64 data for Ollama's {@code images}; Sluice never fetches URLs. */
    static String anthropicToOllama(JsonNode block, String where) throws TranslationException {
        JsonNode source = block.path("source");
        if (!"base64".equals(source.path("type").asText())) {
            throw new TranslationException(where + ".source.type: Ollama takes base64 images only; \""
                    + source.path("type").asText() + "\" images are not fetched by Sluice");
        }
        return source.path("data").asText();
    }
}
