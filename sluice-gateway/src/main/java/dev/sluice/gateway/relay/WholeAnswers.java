package dev.sluice.gateway.relay;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.Embeddings;
import dev.sluice.gateway.translate.TranslationException;
import java.io.IOException;

/**
 * Checks an upstream's whole (non-streaming) answer before any byte of it reaches the client, also
 * when it would pass through untranslated: one complete JSON object, nothing after it, of the shape
 * its dialect answers with. A truncated or empty body is a 502, never a 200.
 */
public final class WholeAnswers {

    /** The largest whole upstream answer (or model list) Sluice reads; a larger one is a 502. */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    private static final ObjectReader STRICT =
            Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private WholeAnswers() {}

    /** The answer, parsed once: the caller translates and reads its usage from this tree. */
    static ObjectNode check(Dialect upstream, byte[] body, boolean embeddings) throws TranslationException {
        if (body.length == 0) {
            throw new TranslationException("the answer body is empty");
        }
        JsonNode json;
        try {
            json = STRICT.readTree(body);
        } catch (JacksonException e) {
            throw new TranslationException(
                    "the answer is not one complete JSON value (cut short, or followed by" + " other data)");
        } catch (IOException e) {
            throw new TranslationException("the answer could not be read");
        }
        if (json == null || !json.isObject()) {
            throw new TranslationException("the answer is not a JSON object");
        }
        if (embeddings) {
            Embeddings.check(upstream, json);
            return (ObjectNode) json;
        }
        boolean shaped = switch (upstream) {
            case ANTHROPIC ->
                "message".equals(json.path("type").asText())
                        && json.path("content").isArray();
            case OPENAI -> json.path("choices").isArray();
            case OLLAMA -> json.path("message").isObject();
            case RESPONSES ->
                "response".equals(json.path("object").asText())
                        && json.path("output").isArray();
        };
        if (!shaped) {
            throw new TranslationException(
                    "the answer is JSON but not a " + upstream.name().toLowerCase(java.util.Locale.ROOT) + " answer ("
                            + expected(upstream) + " missing)");
        }
        return (ObjectNode) json;
    }

    private static String expected(Dialect d) {
        return switch (d) {
            case ANTHROPIC -> "type \"message\" with a content array";
            case OPENAI -> "a choices array";
            case OLLAMA -> "a message object";
            case RESPONSES -> "object \"response\" with an output array";
        };
    }
}
