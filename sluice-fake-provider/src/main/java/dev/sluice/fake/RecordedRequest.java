package dev.sluice.fake;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request as the fake provider received it.
 *
 * @param method  HTTP method, e.g. {@code POST}
 * @param path    path without the query, e.g. {@code /v1/messages}
 * @param query   raw query string, empty when there is none
 * @param headers header names (lower case) to their values, both in arrival order
 * @param body    the body decoded as UTF-8, truncated to {@value #MAX_BODY_BYTES} bytes (256 KiB): room for a
 *                translated request with a base64 image
 */
public record RecordedRequest(
        String method, String path, String query, Map<String, List<String>> headers, String body) {

    /** Most bytes of a body kept in a record. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(body, "body");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
    }

    /** The first value of the header (name case-insensitive), or empty. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
