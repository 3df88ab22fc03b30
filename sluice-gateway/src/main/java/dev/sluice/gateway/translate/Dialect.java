package dev.sluice.gateway.translate;

/** The wire formats Sluice speaks: with clients (Anthropic, OpenAI) and with upstreams (all three). */
public enum Dialect {
    /** Anthropic Messages API, the hub format every translation goes through. */
    ANTHROPIC,
    /** OpenAI Chat Completions, also spoken by Azure OpenAI, Databricks, OpenRouter, vLLM and others. */
    OPENAI,
    /** Ollama's native {@code /api/chat} (NDJSON when streaming); upstream only. */
    OLLAMA
}
