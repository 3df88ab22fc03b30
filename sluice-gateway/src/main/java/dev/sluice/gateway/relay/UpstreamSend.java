package dev.sluice.gateway.relay;

import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamTimeouts;
import dev.sluice.gateway.trace.AttemptSpan;
import dev.sluice.gateway.translate.Dialect;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends one attempt upstream. Headers are built, never copied wholesale: the provider's auth (the
 * attempt's key), the content type, and — Anthropic client to Anthropic upstream only — the client's
 * anthropic-version and anthropic-beta — and the attempt's {@code traceparent} when tracing is on. The client's own
 * credentials never travel upstream.
 */
final class UpstreamSend {
    private static final List<String> ANTHROPIC_FORWARDED = List.of("anthropic-version", "anthropic-beta");

    private UpstreamSend() {}

    /** Printable ASCII (and spaces/tabs between), as forwarded header values must be. */
    static boolean visible(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7f) {
                return false;
            }
        }
        return v.length() <= 1024;
    }

    static UpstreamCall send(
            ServerRequest req,
            Dialect client,
            Dialect upstream,
            ProviderEndpoint provider,
            Optional<String> apiKey,
            String model,
            boolean embeddings,
            byte[] body,
            Duration firstByte,
            SluiceConfig.Timeouts t,
            Duration total,
            AttemptSpan span) {
        Map<String, List<String>> headers = new LinkedHashMap<>(provider.authHeaders(apiKey));
        boolean anthropicToAnthropic = client == Dialect.ANTHROPIC && upstream == Dialect.ANTHROPIC;
        if (anthropicToAnthropic) {
            for (String name : ANTHROPIC_FORWARDED) {
                List<String> values = req.headers().values(HeaderNames.create(name)).stream()
                        .filter(UpstreamSend::visible)
                        .toList(); // a value with control characters is not forwarded
                if (!values.isEmpty()) {
                    headers.put(name, values);
                }
            }
        }
        headers.put("content-type", List.of("application/json"));
        span.inject(headers); // traceparent (and tracestate) naming this attempt's span, when tracing is on
        headers.put(
                "accept",
                List.of(
                        upstream == Dialect.OLLAMA
                                ? "application/x-ndjson, application/json"
                                : "text/event-stream, application/json"));
        String query = anthropicToAnthropic ? req.query().rawValue() : "";
        String path = embeddings
                ? provider.embeddingsPath(model)
                : upstream == Dialect.RESPONSES ? provider.responsesPath() : provider.generationPath(model, query);
        return provider.client().send("POST", path, headers, body, new UpstreamTimeouts(firstByte, t.idle(), total));
    }
}
