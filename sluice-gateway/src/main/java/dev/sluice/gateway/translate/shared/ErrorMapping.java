package dev.sluice.gateway.translate.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.Dialect;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One error with its names in both client dialects, read from any dialect's error JSON.
 * Context-length errors keep their meaning across dialects: OpenAI code
 * {@code context_length_exceeded} (or an Ollama "context length" message) becomes an Anthropic
 * {@code invalid_request_error} whose message starts with {@value #PROMPT_TOO_LONG} (what Anthropic
 * clients look for), the upstream text kept after it; and back.
 */
public record ErrorMapping(
        String anthropicType, String openAiType, @Nullable String openAiCode, String message) {
    static final String PROMPT_TOO_LONG = "prompt is too long";
    static final String CONTEXT_LENGTH = "context_length_exceeded";

    /** From an Anthropic error type. */
    public static ErrorMapping ofAnthropic(String anthropicType, String message) {
        if ("invalid_request_error".equals(anthropicType)
                && message.toLowerCase(Locale.ROOT).contains(PROMPT_TOO_LONG)) {
            return new ErrorMapping(anthropicType, "invalid_request_error", CONTEXT_LENGTH, message);
        }
        return switch (anthropicType) {
            case "authentication_error" ->
                new ErrorMapping(anthropicType, "authentication_error", "invalid_api_key", message);
            case "permission_error" -> new ErrorMapping(anthropicType, "permission_error", null, message);
            case "not_found_error" -> new ErrorMapping(anthropicType, "invalid_request_error", "not_found", message);
            case "rate_limit_error" -> new ErrorMapping(anthropicType, "requests", "rate_limit_exceeded", message);
            case "overloaded_error" -> new ErrorMapping(anthropicType, "server_error", "overloaded", message);
            case "timeout_error" -> new ErrorMapping(anthropicType, "server_error", "timeout", message);
            case "request_too_large" ->
                new ErrorMapping(anthropicType, "invalid_request_error", "request_too_large", message);
            case "billing_error" ->
                new ErrorMapping(anthropicType, "insufficient_quota", "insufficient_quota", message);
            case "invalid_request_error" -> new ErrorMapping(anthropicType, "invalid_request_error", null, message);
            default -> new ErrorMapping(anthropicType, "server_error", null, message);
        };
    }

    /** From an OpenAI error's type and code; {@code status} 0 for an in-band (streamed) error. */
    public static ErrorMapping ofOpenAi(int status, @Nullable String type, @Nullable String code, String message) {
        String c = code == null ? "" : code;
        String anthropicType = switch (c) {
            case CONTEXT_LENGTH, "content_filter", "content_policy_violation" -> "invalid_request_error";
            case "rate_limit_exceeded" -> "rate_limit_error";
            case "invalid_api_key" -> "authentication_error";
            case "insufficient_quota" -> "billing_error";
            default -> status > 0 ? anthropicTypeFor(status) : anthropicTypeForOpenAiType(type);
        };
        String text = CONTEXT_LENGTH.equals(c) ? promptTooLong(message) : message;
        return new ErrorMapping(
                anthropicType, type == null ? ofAnthropic(anthropicType, text).openAiType() : type, code, text);
    }

    /** From an Ollama {@code {"error": "..."}}; {@code status} 0 for an in-band error. */
    public static ErrorMapping ofOllama(int status, String message) {
        if (message.toLowerCase(Locale.ROOT).contains("context length")) {
            return new ErrorMapping(
                    "invalid_request_error", "invalid_request_error", CONTEXT_LENGTH, promptTooLong(message));
        }
        return ofAnthropic(status > 0 ? anthropicTypeFor(status) : "api_error", message);
    }

    private static String promptTooLong(String message) {
        return message.toLowerCase(Locale.ROOT).contains(PROMPT_TOO_LONG) ? message : PROMPT_TOO_LONG + ": " + message;
    }

    private static String anthropicTypeForOpenAiType(@Nullable String type) {
        if (type == null) return "api_error";
        return switch (type) {
            case "invalid_request_error" -> "invalid_request_error";
            case "requests", "tokens", "rate_limit_error" -> "rate_limit_error";
            case "authentication_error" -> "authentication_error";
            default -> "api_error";
        };
    }

    /** The Anthropic error type for an HTTP status. */
    public static String anthropicTypeFor(int status) {
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
    }

    /** {@code {"type":"error","error":{"type":...,"message":...}}}. */
    public ObjectNode anthropicJson() {
        ObjectNode root = Json.object().put("type", "error");
        root.putObject("error").put("type", anthropicType).put("message", message);
        return root;
    }

    /** {@code {"error":{"message":...,"type":...,"code":...}}}. */
    public ObjectNode openAiJson() {
        ObjectNode root = Json.object();
        root.putObject("error").put("message", message).put("type", openAiType).put("code", openAiCode);
        return root;
    }

    /** The Responses API's {@code error} of a failed response: {@code {"code":...,"message":...}}. */
    public ObjectNode responsesJson() {
        return Json.object()
                .put("code", openAiCode != null ? openAiCode : openAiType)
                .put("message", message);
    }

    public ObjectNode json(Dialect client) {
        return client.openAiErrors() ? openAiJson() : anthropicJson();
    }

    /** The error an in-band or HTTP error body in {@code dialect} carries, or null if it carries none. */
    public static @Nullable ErrorMapping read(Dialect dialect, int status, JsonNode body) {
        JsonNode error = body.path("error");
        switch (dialect) {
            case ANTHROPIC -> {
                if ("error".equals(body.path("type").asText()) && error.isObject()) {
                    return ofAnthropic(
                            error.path("type").asText("api_error"),
                            error.path("message").asText(""));
                }
            }
            case OPENAI, RESPONSES -> {
                if (error.isObject() && error.has("message")) {
                    return ofOpenAi(
                            status,
                            error.path("type").textValue(),
                            code(error.path("code")),
                            error.path("message").asText(""));
                }
                if (error.isTextual()) return ofOpenAi(status, null, null, error.asText());
                if ("error".equals(body.path("object").asText()) && body.has("message")) { // vLLM
                    return ofOpenAi(
                            status,
                            body.path("type").textValue(),
                            code(body.path("code")),
                            body.path("message").asText(""));
                }
            }
            case OLLAMA -> {
                if (error.isTextual()) return ofOllama(status, error.asText());
            }
        }
        return null;
    }

    private static @Nullable String code(JsonNode code) {
        return code.isTextual() ? code.asText() : null;
    }
}
