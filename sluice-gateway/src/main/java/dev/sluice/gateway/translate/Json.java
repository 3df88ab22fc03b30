package dev.sluice.gateway.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The package's JSON mapper (read constraints so hostile input cannot take the heap) and small helpers. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(256)
                    .maxStringLength(32 * 1024 * 1024)
                    .maxNumberLength(1000)
                    .build())
            .build());

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Parses {@code text}; {@code where} names the field for the error message. */
    static JsonNode parse(String text, String where) throws TranslationException {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) throw new TranslationException(where + ": empty, expected JSON");
            return node;
        } catch (JsonProcessingException e) {
            throw new TranslationException(where + ": not valid JSON");
        }
    }

    /** Parses {@code text} as a JSON object. */
    static ObjectNode parseObject(String text, String where) throws TranslationException {
        JsonNode node = parse(text, where);
        if (!node.isObject()) throw new TranslationException(where + ": expected a JSON object");
        return (ObjectNode) node;
    }

    static String write(JsonNode node) {
        return node.toString();
    }

    /** Copies {@code from.name} to {@code to.as} when present and not null. */
    static void copy(JsonNode from, String name, ObjectNode to, String as) {
        JsonNode value = from.get(name);
        if (value != null && !value.isNull()) to.set(as, value.deepCopy());
    }

    /** A non-empty text value, or null. */
    static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    static String quoted(String value) {
        return MAPPER.getNodeFactory().textNode(value).toString();
    }
}
