package dev.sluice.gateway.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.translate.Translate;

/** The one JSON mapper (shared with the translators), with read constraints so hostile input cannot take the heap. */
final class Json {

    static final ObjectMapper MAPPER = Translate.mapper();

    private Json() {
    }
}
