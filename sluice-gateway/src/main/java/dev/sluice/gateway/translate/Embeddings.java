package dev.sluice.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.answer.Answers;
import dev.sluice.gateway.translate.shared.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * OpenAI embeddings ({@code /v1/embeddings}) to the providers that serve them. OpenAI-compatible upstreams
 * (OpenAI, OpenRouter, Azure OpenAI, Databricks) take the request as sent, the model replaced; Ollama's
 * {@code /api/embed} takes {@code model}, {@code input} (a string or strings; token arrays it cannot take)
 * and {@code dimensions}, and answers {@code embeddings}, which become OpenAI's {@code data} list — as
 * base64 little-endian float32 when the client asked {@code encoding_format: base64}.
 */
public final class Embeddings {

    private Embeddings() {}

    /** The request body for {@code upstream} ({@link Dialect#OPENAI} or {@link Dialect#OLLAMA}). */
    public static byte[] request(Dialect upstream, byte[] body, JsonNode json, String model)
            throws TranslationException {
        if (upstream == Dialect.OPENAI) {
            if (model.equals(json.path("model").asText())) {
                return body;
            }
            return Json.bytes(((ObjectNode) json.deepCopy()).put("model", model));
        }
        if (upstream != Dialect.OLLAMA) {
            throw new IllegalArgumentException("embeddings go to OpenAI-compatible or Ollama upstreams");
        }
        JsonNode input = json.path("input");
        if (input.isArray() && !input.isEmpty() && !input.get(0).isTextual()) {
            throw new TranslationException("input: token arrays cannot be sent to Ollama; send text");
        }
        ObjectNode out = Json.object().put("model", model);
        out.set("input", input.deepCopy());
        Json.copy(json, "dimensions", out, "dimensions");
        return Json.bytes(out);
    }

    /** Whether {@code answer} is an embeddings answer in {@code upstream}'s form; names what is missing. */
    public static void check(Dialect upstream, JsonNode answer) throws TranslationException {
        boolean shaped = upstream == Dialect.OLLAMA
                ? answer.path("embeddings").isArray()
                : answer.path("data").isArray();
        if (!shaped) {
            throw new TranslationException("the answer is JSON but not an embeddings answer ("
                    + (upstream == Dialect.OLLAMA ? "an embeddings array" : "a data array") + " missing)");
        }
    }

    /** The upstream's answer as the OpenAI client expects it. */
    public static byte[] answer(Dialect upstream, byte[] body, JsonNode answer, JsonNode request, String targetModel)
            throws TranslationException {
        if (upstream == Dialect.OPENAI) {
            return body;
        }
        boolean base64 = "base64".equals(request.path("encoding_format").asText());
        ObjectNode out = Json.object().put("object", "list");
        ArrayNode data = out.putArray("data");
        JsonNode vectors = answer.path("embeddings");
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode vector = vectors.get(i);
            if (!vector.isArray())
                throw new TranslationException("embeddings[" + i + "]: expected an array of numbers");
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) item.put("embedding", base64(vector));
            else item.set("embedding", vector.deepCopy());
        }
        out.put("model", Answers.answeredBy(answer, targetModel));
        long prompt = answer.path("prompt_eval_count").asLong(0);
        out.putObject("usage").put("prompt_tokens", prompt).put("total_tokens", prompt);
        return Json.bytes(out);
    }

    private static String base64(JsonNode vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : vector) buffer.putFloat(v.floatValue());
        return Base64.getEncoder().encodeToString(buffer.array());
    }
}
