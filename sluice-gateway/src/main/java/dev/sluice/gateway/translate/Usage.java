package dev.sluice.gateway.translate;

/**
 * Token usage in the Anthropic sense: {@code inputTokens} excludes cache reads and cache writes,
 * which are counted separately (OpenAI's {@code prompt_tokens} includes its cached tokens; the
 * translation subtracts them).
 *
 * @param inputTokens uncached input tokens
 * @param outputTokens generated tokens, thinking included
 * @param cacheReadTokens input tokens read from the prompt cache
 * @param cacheWriteTokens input tokens written to the prompt cache (Anthropic only)
 */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
    /** No usage reported. */
    public static final Usage NONE = new Usage(0, 0, 0, 0);
}
