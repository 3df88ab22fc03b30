package dev.sluice.gateway.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** Error bodies and status mapping in the Anthropic Messages dialect. */
final class AnthropicErrors {

    private AnthropicErrors() {
    }

    /** The Anthropic error type for an HTTP status. */
    static String typeFor(int status) {
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529, 503 -> "overloaded_error";
            default -> "api_error";
        };
    }

    /** {@code {"type":"error","error":{"type":...,"message":...}}}. */
    static byte[] body(String type, String message) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("type", "error");
        ObjectNode error = root.putObject("error");
        error.put("type", type);
        error.put("message", message);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The same error as an in-band SSE event, for failures after the first byte. */
    static byte[] event(String type, String message) {
        return ("event: error\ndata: " + new String(body(type, message), StandardCharsets.UTF_8) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** An upstream error body if it already is Anthropic error JSON, else a wrapped one. */
    static byte[] fromUpstream(int status, byte[] upstreamBody) {
        try {
            var node = Json.MAPPER.readTree(upstreamBody);
            if (node != null && "error".equals(node.path("type").asText()) && node.path("error").isObject()) {
                return upstreamBody;
            }
        } catch (java.io.IOException notJson) {
            // wrapped below
        }
        String snippet = new String(upstreamBody, 0, Math.min(upstreamBody.length, 512), StandardCharsets.UTF_8);
        return body(typeFor(status), "upstream returned HTTP " + status + (snippet.isBlank() ? "" : ": " + snippet));
    }
}
