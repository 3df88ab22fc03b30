package dev.sluice.gateway.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.proxy.Route;
import java.util.function.Predicate;

/**
 * The types of a generation request's optional fields, checked by Sluice itself so a bad request gets
 * the same 400 whichever upstream dialect its route leads to. A JSON null counts as absent on the
 * OpenAI route (OpenAI reads it as unset; translated to Anthropic, the default token limit applies).
 */
final class FieldRules {

    static final String POSITIVE_INTEGER = "a positive integer";

    private FieldRules() {}

    static void check(JsonNode json, Route route) throws GatewayException {
        if (route == Route.CHAT_COMPLETIONS) {
            optional(json, "max_tokens", FieldRules::positiveInteger, POSITIVE_INTEGER);
            optional(json, "max_completion_tokens", FieldRules::positiveInteger, POSITIVE_INTEGER);
            optional(json, "stream_options", JsonNode::isObject, "an object");
        }
        if (route == Route.RESPONSES) {
            optional(json, "max_output_tokens", FieldRules::positiveInteger, POSITIVE_INTEGER);
            optional(json, "instructions", JsonNode::isTextual, "a string");
            optional(json, "previous_response_id", JsonNode::isTextual, "a string");
            optional(json, "store", JsonNode::isBoolean, "a boolean");
        }
        optional(json, "temperature", JsonNode::isNumber, "a number");
        optional(json, "top_p", JsonNode::isNumber, "a number");
        optional(json, "tools", JsonNode::isArray, "an array");
    }

    /** A JSON integral number of at least 1 (not a string, a fraction, or a number past a long). */
    static boolean positiveInteger(JsonNode v) {
        return v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 1;
    }

    private static void optional(JsonNode json, String field, Predicate<JsonNode> ok, String what)
            throws GatewayException {
        JsonNode v = json.get(field);
        if (v != null && !v.isNull() && !ok.test(v)) {
            throw new GatewayException(400, field + ": must be " + what);
        }
    }
}
