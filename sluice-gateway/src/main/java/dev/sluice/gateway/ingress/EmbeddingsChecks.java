package dev.sluice.gateway.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.context.GatewayException;

/**
 * An embeddings request's fields, checked by Sluice so every provider behind it refuses the same input the
 * same way: {@code input} a non-empty string, or a non-empty array (at most {@value #MAX_INPUTS}) of
 * non-empty strings, of token ids, or of non-empty token-id arrays (one of these, never a mix);
 * {@code encoding_format} float or base64; {@code dimensions} a positive integer.
 */
final class EmbeddingsChecks {

    /** OpenAI's own limit on the inputs of one request. */
    static final int MAX_INPUTS = 2048;

    private EmbeddingsChecks() {}

    static void check(JsonNode json) throws GatewayException {
        JsonNode input = json.get("input");
        if (input == null || input.isNull()) {
            throw new GatewayException(400, "input: field required");
        }
        if (input.isTextual()) {
            if (input.asText().isEmpty()) {
                throw new GatewayException(400, "input: must not be empty");
            }
        } else if (input.isArray()) {
            if (input.isEmpty() || input.size() > MAX_INPUTS) {
                throw new GatewayException(400, "input: must hold 1 to " + MAX_INPUTS + " items, held " + input.size());
            }
            for (int i = 0; i < input.size(); i++) {
                if (!item(input.get(i))) {
                    throw new GatewayException(
                            400,
                            "input[" + i + "]: must be a non-empty string, a token id or a"
                                    + " non-empty array of token ids");
                }
                if (!kind(input.get(i)).equals(kind(input.get(0)))) { // strings, token ids or token arrays: never a mix
                    throw new GatewayException(
                            400,
                            "input[" + i + "]: must be " + kind(input.get(0))
                                    + " like input[0]: an array holds strings, token ids or token-id arrays, not a mix");
                }
            }
        } else {
            throw new GatewayException(400, "input: must be a string or an array");
        }
        JsonNode format = json.get("encoding_format");
        if (format != null
                && !format.isNull()
                && !("float".equals(format.asText()) && format.isTextual())
                && !("base64".equals(format.asText()) && format.isTextual())) {
            throw new GatewayException(400, "encoding_format: must be \"float\" or \"base64\"");
        }
        JsonNode dimensions = json.get("dimensions");
        if (dimensions != null && !dimensions.isNull() && !FieldRules.positiveInteger(dimensions)) {
            throw new GatewayException(400, "dimensions: must be " + FieldRules.POSITIVE_INTEGER);
        }
    }

    private static String kind(JsonNode v) {
        return v.isTextual() ? "a string" : v.isArray() ? "an array of token ids" : "a token id";
    }

    private static boolean item(JsonNode v) {
        if (v.isTextual()) {
            return !v.asText().isEmpty();
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToInt() && v.intValue() >= 0;
        }
        if (v.isArray() && !v.isEmpty()) {
            for (JsonNode t : v) {
                if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
