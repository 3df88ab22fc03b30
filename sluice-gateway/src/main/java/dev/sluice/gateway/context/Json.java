package dev.sluice.gateway.context;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.translate.Translate;

/** The one JSON mapper (shared with the translators), with read constraints so hostile input cannot take the heap. */
public final class Json {

    public static final ObjectMapper MAPPER = Translate.mapper();

    private Json() {}
}
