package dev.sluice.gateway.provider;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Status and headers (lower-case names) of an upstream response. */
public record UpstreamHead(int status, Map<String, List<String>> headers) {

    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
