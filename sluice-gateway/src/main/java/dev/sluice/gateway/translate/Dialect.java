package dev.sluice.gateway.translate;

import dev.sluice.gateway.config.ProviderKind;

/** The wire formats Sluice speaks: with clients (Anthropic, OpenAI) and with upstreams (all three). */
public enum Dialect {
    /** Anthropic Messages API, the hub format every translation goes through. */
    ANTHROPIC,
    /** OpenAI Chat Completions, also spoken by Azure OpenAI, Databricks, OpenRouter, vLLM and others. */
    OPENAI,
    /** Ollama's native {@code /api/chat} (NDJSON when streaming); upstream only. */
    OLLAMA;

    /**
     * The dialect a provider kind speaks. It lives here, not on {@link ProviderKind}: config would then
     * import translate, which imports provider, which imports config (a package cycle).
     */
    public static Dialect of(ProviderKind kind) {
        return kind == ProviderKind.ANTHROPIC ? ANTHROPIC : kind == ProviderKind.OLLAMA ? OLLAMA : OPENAI;
    }
}
