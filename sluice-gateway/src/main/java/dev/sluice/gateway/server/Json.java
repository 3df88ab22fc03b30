package dev.sluice.gateway.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper, with explicit read constraints so hostile input cannot take the heap. */
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
}
