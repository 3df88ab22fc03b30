package dev.sluice.gateway.translate;

import dev.sluice.gateway.config.ProviderKind;

/**
 * The wire formats Sluice speaks: with clients (Anthropic, OpenAI Chat Completions, OpenAI Responses) and
 * with upstreams (Anthropic, OpenAI Chat Completions, Ollama; Responses only to a provider marked as
 * speaking it natively, and only for Responses clients).
 */
public enum Dialect {
    /** Anthropic Messages API, the hub format every translation goes through. */
    ANTHROPIC,
    /** OpenAI Chat Completions, also spoken by Azure OpenAI, Databricks, OpenRouter, vLLM and others. */
    OPENAI,
    /** Ollama's native {@code /api/chat} (NDJSON when streaming); upstream only. */
    OLLAMA,
    /**
     * OpenAI Responses ({@code /v1/responses}): a client dialect, translated to Chat Completions and from
     * there through the hub; an upstream dialect only as pass-through to a provider with native Responses.
     */
    RESPONSES;

    /** Whether errors in this dialect take OpenAI's shape and statuses (no 529, {@code {"error":{...}}}). */
    public boolean openAiErrors() {
        return this != ANTHROPIC;
    }

    /**
     * The dialect of one exchange with a provider: Responses clients reach a provider marked as speaking
     * Responses natively without translation; everything else goes in the provider kind's own dialect.
     */
    public static Dialect upstream(Dialect client, ProviderKind kind, boolean nativeResponses) {
        return client == RESPONSES && nativeResponses ? RESPONSES : of(kind);
    }

    /**
     * The dialect a provider kind speaks. It lives here, not on {@link ProviderKind}: config would then
     * import translate, which imports provider, which imports config (a package cycle).
     */
    public static Dialect of(ProviderKind kind) {
        return kind == ProviderKind.ANTHROPIC ? ANTHROPIC : kind == ProviderKind.OLLAMA ? OLLAMA : OPENAI;
    }
}
