package dev.sluice.fake;

import java.util.Optional;

/** Every error the fake answers with, with its status and each dialect's names for it. */
enum ErrorKind {
    INVALID_REQUEST(400, "invalid_request_error", "invalid_request_error", "invalid_request", null, "invalid request"),
    NOT_FOUND(404, "not_found_error", "invalid_request_error", "not_found", null, "not found"),
    /** Azure OpenAI without {@code api-version}: Azure's own code and message. */
    RESOURCE_NOT_FOUND(404, "not_found_error", "invalid_request_error", "404", null, "Resource not found"),
    /** No credentials where the route requires them (Azure {@code api-key}, Databricks bearer token). */
    UNAUTHORIZED(401, "authentication_error", "invalid_request_error", "401", null, "Access denied: no credentials"),
    CONTEXT_LENGTH(
            400,
            "invalid_request_error",
            "invalid_request_error",
            "context_length_exceeded",
            null,
            "prompt is too long: 250000 tokens > 200000 maximum"),
    /** The refuse-prefill fault: a request ending with an assistant turn. */
    PREFILL_REFUSED(
            400,
            "invalid_request_error",
            "invalid_request_error",
            "invalid_request",
            null,
            "This model does not support assistant message prefill. The conversation must end with a user message."),
    RATE_LIMIT(
            429, "rate_limit_error", "requests", "rate_limit_exceeded", "1", "fake rate limit: retry after 1 second"),
    RATE_LIMIT_NO_RETRY_AFTER(
            429, "rate_limit_error", "requests", "rate_limit_exceeded", null, "fake rate limit (no retry-after)"),
    SERVER_ERROR(500, "api_error", "server_error", "server_error", null, "fake internal server error"),
    UNAVAILABLE(
            503,
            "api_error",
            "server_error",
            "service_unavailable",
            "2",
            "fake service unavailable: retry after 2 seconds"),
    FLAPPING(
            503,
            "api_error",
            "server_error",
            "service_unavailable",
            null,
            "fake flapping provider: odd request refused"),
    OVERLOADED(529, "overloaded_error", "server_error", "overloaded", null, "fake provider overloaded"),
    /** All model slots busy: 529 in the Anthropic dialect, 503 in the others. */
    CAPACITY(529, "overloaded_error", "server_error", "overloaded", null, "all model slots busy");

    final int status;
    final String anthropicType;
    final String openAiType;
    final String openAiCode;
    private final String retryAfter;
    final String defaultMessage;

    ErrorKind(
            int status,
            String anthropicType,
            String openAiType,
            String openAiCode,
            String retryAfter,
            String defaultMessage) {
        this.status = status;
        this.anthropicType = anthropicType;
        this.openAiType = openAiType;
        this.openAiCode = openAiCode;
        this.retryAfter = retryAfter;
        this.defaultMessage = defaultMessage;
    }

    /** The {@code retry-after} header value to send, if any. */
    Optional<String> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The status outside the Anthropic dialect, where 529 is not a thing for capacity. */
    int statusOutsideAnthropic() {
        return this == CAPACITY ? 503 : status;
    }
}
