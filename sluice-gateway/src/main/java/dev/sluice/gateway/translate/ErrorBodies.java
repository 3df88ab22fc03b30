package dev.sluice.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Error JSON in a client's dialect. Anthropic: {@code {"type":"error","error":{"type","message"}}};
 * OpenAI: {@code {"error":{"message","type","code"}}} ({@code code} may be null). Choosing the
 * HTTP status to answer with is the caller's job (e.g. 529 is an Anthropic-only status).
 */
public final class ErrorBodies {
    private static final int SNIPPET = 512;

    private ErrorBodies() {}

    /** The Anthropic error type a status stands for. */
    public static String anthropicTypeFor(int status) {
        return ErrorMapping.anthropicTypeFor(status);
    }

    /** An error whose type is chosen from the HTTP status. */
    public static byte[] body(Dialect client, int status, String message) {
        return body(client, ErrorMapping.anthropicTypeFor(status), message);
    }

    /** An error of an Anthropic type (overloaded_error, rate_limit_error, timeout_error, api_error...). */
    public static byte[] body(Dialect client, String anthropicType, String message) {
        return bytes(ErrorMapping.ofAnthropic(anthropicType, message).json(client));
    }

    /**
     * An upstream's error answer re-expressed in the client's dialect, its message text kept (see
     * {@link ErrorMapping} for context-length errors). In the same dialect a valid error body is
     * returned unchanged. A body that is not error JSON is wrapped, with at most 512 characters of it.
     */
    public static byte[] fromUpstream(Dialect upstream, Dialect client, int status, byte[] body) {
        ErrorMapping error = null;
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject()) error = ErrorMapping.read(upstream, status, node);
        } catch (IOException notJson) {
            // wrapped below
        }
        if (error == null) {
            String text = new String(body, StandardCharsets.UTF_8);
            String snippet = text.length() > SNIPPET ? text.substring(0, SNIPPET) : text;
            return body(client, status, "upstream returned HTTP " + status + (snippet.isBlank() ? "" : ": " + snippet));
        }
        if (upstream == client) return body;
        return bytes(error.json(client));
    }

    private static byte[] bytes(JsonNode node) {
        return Json.write(node).getBytes(StandardCharsets.UTF_8);
    }
}
