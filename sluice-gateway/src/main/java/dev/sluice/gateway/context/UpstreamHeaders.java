package dev.sluice.gateway.context;

import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;

/** The upstream response headers a client may see: Retry-After, rate-limit state, the upstream's request id. */
public final class UpstreamHeaders {

    private UpstreamHeaders() {}

    public static void copy(Map<String, List<String>> headers, ServerResponse res) {
        headers.forEach((name, values) -> {
            if (name.equals("retry-after")
                    || name.startsWith("anthropic-ratelimit-")
                    || name.startsWith("x-ratelimit-")) {
                res.header(name, values.toArray(String[]::new));
            } else if ((name.equals("request-id") || name.equals("x-request-id")) && !values.isEmpty()) {
                res.header("upstream-request-id", values.get(0));
            }
        });
    }
}
