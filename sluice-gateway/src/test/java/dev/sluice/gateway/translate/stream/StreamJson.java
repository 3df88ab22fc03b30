package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON parsing for the stream validators: a parse failure is an assertion failure naming the frame. */
final class StreamJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StreamJson() {}

    static JsonNode parse(String data, String at) {
        try {
            JsonNode node = MAPPER.readTree(data);
            if (node == null || !node.isObject()) throw new AssertionError(at + ": data is not a JSON object: " + data);
            return node;
        } catch (JsonProcessingException e) {
            throw new AssertionError(at + ": data is not JSON: " + data, e);
        }
    }
}
