package dev.sluice.gateway.translate;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** JSON literals for test tables, written with single quotes to stay readable. */
final class TestJson {
    private static final JsonMapper MAPPER =
            JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    private TestJson() {}

    static JsonNode json(String singleQuoted) {
        try {
            return MAPPER.readTree(singleQuoted);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad test JSON: " + singleQuoted, e);
        }
    }
}
