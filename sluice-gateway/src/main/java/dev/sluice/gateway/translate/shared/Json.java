package dev.sluice.gateway.translate.shared;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import org.jspecify.annotations.Nullable;

/** The package's JSON mapper (read constraints so hostile input cannot take the heap) and small helpers. */
public final class Json {

    /**
     * Jackson's buffer recyclers shared by all threads, at most this many kept. Jackson's default keeps one per
     * thread in a thread-local: with a virtual thread per request that is a new recycler per request, held for
     * the request's life (8 KiB per open stream, measured in docs/benchmarks.md) and never reused.
     */
    static final int RECYCLERS = 64;

    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newBoundedPool(RECYCLERS))
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(256)
                    .maxStringLength(32 * 1024 * 1024)
                    .maxNumberLength(1000)
                    .build())
            .build());

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Parses {@code text}; {@code where} names the field for the error message. */
    public static JsonNode parse(String text, String where) throws TranslationException {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) throw new TranslationException(where + ": empty, expected JSON");
            return node;
        } catch (JsonProcessingException e) {
            throw new TranslationException(where + ": not valid JSON");
        }
    }

    /** Parses {@code text} as a JSON object. */
    public static ObjectNode parseObject(String text, String where) throws TranslationException {
        JsonNode node = parse(text, where);
        if (!node.isObject()) throw new TranslationException(where + ": expected a JSON object");
        return (ObjectNode) node;
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialize", e);
        }
    }

    public static String write(JsonNode node) {
        return node.toString();
    }

    /** Copies {@code from.name} to {@code to.as} when present and not null. */
    public static void copy(JsonNode from, String name, ObjectNode to, String as) {
        JsonNode value = from.get(name);
        if (value != null && !value.isNull()) to.set(as, value.deepCopy());
    }

    /** A non-empty text value, or null. */
    public static @Nullable String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    static String quoted(String value) {
        return MAPPER.getNodeFactory().textNode(value).toString();
    }
}
