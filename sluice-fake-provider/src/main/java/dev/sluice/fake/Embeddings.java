package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An embeddings request, read and answered: OpenAI {@code POST /v1/embeddings} (also Azure and
 * Databricks) or Ollama {@code POST /api/embed}. Each input's vector comes from its text alone
 * ({@link #vector}), so the same text gives the same vector in every form and API.
 *
 * @param ollama       whether it came as Ollama's {@code /api/embed}
 * @param texts        one text per input; a token array stands as its numbers joined by spaces
 * @param base64       OpenAI {@code encoding_format: "base64"}: little-endian float32, base64
 * @param promptTokens the inputs' tokens: the characters of the texts / 4 ({@link Tokens}), or the token count
 */
record Embeddings(boolean ollama, String model, List<String> texts, int dimensions, boolean base64, int promptTokens) {
    /** Small by default: tests want to read vectors, not page through them. */
    static final int DEFAULT_DIMENSIONS = 8;
    /** As large as OpenAI's largest model gives. */
    static final int MAX_DIMENSIONS = 3072;
    /** OpenAI's limit on inputs per request. */
    static final int MAX_INPUTS = 2048;

    private static final String INPUT_TYPES =
            "input: must be a string, an array of strings, an array of token integers or an array of token integer arrays";

    Embeddings {
        texts = List.copyOf(texts);
    }

    /** OpenAI's form. @throws BadRequest naming the field */
    static Embeddings openAi(JsonNode root) {
        String model = Dialect.requireModel(root, "model: you must provide a model parameter");
        JsonNode input = root.path("input");
        if (input.isMissingNode() || input.isNull()) throw new BadRequest("input: Missing required parameter: 'input'");
        JsonNode format = root.path("encoding_format");
        boolean base64 = format.isTextual() && format.asText().equals("base64");
        if (!format.isMissingNode() && !format.isNull() && !base64 && !"float".equals(format.asText(null))) {
            throw new BadRequest("encoding_format: must be 'float' or 'base64', was " + format);
        }
        List<String> texts = new ArrayList<>();
        int tokens = 0;
        if (input.isTextual()
                || input.isArray() && !input.isEmpty() && input.get(0).isTextual()) {
            texts.addAll(strings(input, INPUT_TYPES));
        } else if (input.isArray() && !input.isEmpty() && input.get(0).isArray()) {
            for (JsonNode tokenArray : input) {
                if (!tokenArray.isArray() || tokenArray.isEmpty()) throw new BadRequest(INPUT_TYPES);
                texts.add(tokenText(tokenArray));
                tokens += tokenArray.size();
            }
        } else if (input.isArray() && !input.isEmpty()) {
            texts.add(tokenText(input));
            tokens = input.size();
        } else {
            throw new BadRequest(input.isArray() ? "input: must not be an empty array" : INPUT_TYPES);
        }
        if (texts.size() > MAX_INPUTS)
            throw new BadRequest("input: at most " + MAX_INPUTS + " inputs, was " + texts.size());
        return new Embeddings(false, model, texts, dimensions(root), base64, tokens > 0 ? tokens : textTokens(texts));
    }

    /** Ollama's form: {@code input} a string or an array of strings. @throws BadRequest naming the field */
    static Embeddings ollama(JsonNode root) {
        String model = Dialect.requireModel(root, "model is required");
        JsonNode input = root.path("input");
        if (input.isMissingNode() || input.isNull()) throw new BadRequest("input: is required");
        List<String> texts = strings(input, "input: must be a string or an array of strings");
        return new Embeddings(true, model, texts, dimensions(root), false, textTokens(texts));
    }

    /** A string, or a non-empty array of them; no empty string (OpenAI refuses it too). */
    private static List<String> strings(JsonNode input, String typeMessage) {
        if (input.isArray() && input.isEmpty()) throw new BadRequest("input: must not be an empty array");
        List<String> texts = new ArrayList<>();
        for (JsonNode text : input.isArray() ? input : List.of(input)) {
            if (!text.isTextual()) throw new BadRequest(typeMessage);
            if (text.asText().isEmpty()) throw new BadRequest("input: must not contain an empty string");
            texts.add(text.asText());
        }
        return texts;
    }

    private static String tokenText(JsonNode tokens) {
        StringBuilder text = new StringBuilder();
        for (JsonNode token : tokens) {
            if (!token.isIntegralNumber() || !token.canConvertToInt() || token.asInt() < 0)
                throw new BadRequest(INPUT_TYPES);
            text.append(text.isEmpty() ? "" : " ").append(token.asInt());
        }
        return text.toString();
    }

    private static int textTokens(List<String> texts) {
        return Tokens.ofChars(texts.stream().mapToLong(String::length).sum());
    }

    private static int dimensions(JsonNode root) {
        int dimensions = Dialect.positiveInt(root, "dimensions").orElse(DEFAULT_DIMENSIONS);
        if (dimensions > MAX_DIMENSIONS)
            throw new BadRequest("dimensions: at most " + MAX_DIMENSIONS + ", was " + dimensions);
        return dimensions;
    }

    /**
     * The unit vector of {@code text}: SplitMix64 seeded with the FNV-1a hash of its UTF-8 bytes gives
     * each component in [-1, 1), then the whole is scaled to length 1.
     */
    static float[] vector(String text, int dimensions) {
        long state = Conversation.digest(text.getBytes(StandardCharsets.UTF_8));
        double[] raw = new double[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            state = Answer.next(state);
            raw[i] = (Answer.mix(state) >>> 11) * 0x1.0p-53 * 2 - 1;
            norm += raw[i] * raw[i];
        }
        norm = norm > 0 ? Math.sqrt(norm) : 1;
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) vector[i] = (float) (raw[i] / norm);
        return vector;
    }

    String body() {
        ObjectNode root = Json.object();
        if (ollama) {
            root.put("model", model);
            ArrayNode embeddings = root.putArray("embeddings");
            for (String text : texts) floats(embeddings.addArray(), vector(text, dimensions));
            root.put("total_duration", 0).put("load_duration", 0).put("prompt_eval_count", promptTokens);
            return Json.write(root);
        }
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < texts.size(); i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            float[] vector = vector(texts.get(i), dimensions);
            if (base64) item.put("embedding", base64(vector));
            else floats(item.putArray("embedding"), vector);
        }
        root.put("model", model);
        root.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return Json.write(root);
    }

    /** A body that is not valid JSON, for the {@code malformed} fault. */
    String malformedBody() {
        return ollama ? "{\"model\": \"fake\", \"embeddings\": [[tru" : "{\"object\": \"list\", \"data\": [{tru";
    }

    private static void floats(ArrayNode array, float[] vector) {
        for (float value : vector) array.add(value);
    }

    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) bytes.putFloat(value);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
