package dev.sluice.gateway.translate.shared;

import org.jspecify.annotations.Nullable;

/** Anthropic {@code stop_reason} <-> OpenAI {@code finish_reason} <-> Ollama {@code done_reason}. */
public final class StopReasons {

    private StopReasons() {}

    /** OpenAI finish_reason to Anthropic stop_reason; tool calls present win over a plain "stop". */
    public static String fromOpenAi(@Nullable String finishReason, boolean toolCalls) {
        if (toolCalls && (finishReason == null || "stop".equals(finishReason))) return "tool_use";
        if (finishReason == null) return "end_turn";
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** Anthropic stop_reason to OpenAI finish_reason. */
    public static String toOpenAi(String stopReason) {
        if (stopReason == null) return "stop";
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /** Ollama done_reason to Anthropic stop_reason. */
    public static String fromOllama(String doneReason, boolean toolCalls) {
        if (toolCalls) return "tool_use";
        return "length".equals(doneReason) ? "max_tokens" : "end_turn";
    }
}
