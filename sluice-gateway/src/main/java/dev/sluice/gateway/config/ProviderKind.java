package dev.sluice.gateway.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The kinds of upstream Sluice can call. Each has the dialect it speaks, a default base URL and the
 * environment variables that supply its URL, keys and (Azure) API version when the config does not.
 */
public enum ProviderKind {
    /** The Anthropic Messages API. */
    ANTHROPIC("anthropic", "https://api.anthropic.com", null, "ANTHROPIC_API_KEY"),
    /** Any OpenAI-compatible Chat Completions server; the URL includes the version path, e.g. {@code /v1}. */
    OPENAI("openai", "https://api.openai.com/v1", "OPENAI_BASE_URL", "OPENAI_API_KEY"),
    /** OpenRouter: OpenAI-compatible. */
    OPENROUTER("openrouter", "https://openrouter.ai/api/v1", null, "OPENROUTER_API_KEY"),
    /** Azure OpenAI: {@code /openai/deployments/{deployment}/chat/completions?api-version=}, {@code api-key} header. */
    AZURE_OPENAI("azure-openai", null, "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY"),
    /** Databricks model serving: {@code /serving-endpoints/{endpoint}/invocations}, bearer token. */
    DATABRICKS("databricks", null, "DATABRICKS_HOST", "DATABRICKS_TOKEN"),
    /** Ollama's native {@code /api/chat} with NDJSON streaming. */
    OLLAMA("ollama", "http://127.0.0.1:11434", "OLLAMA_HOST", null);

    private final String id;
    private final @Nullable String defaultUrl;
    private final @Nullable String urlEnv;
    private final @Nullable String keyEnv;

    ProviderKind(String id, @Nullable String defaultUrl, @Nullable String urlEnv, @Nullable String keyEnv) {
        this.id = id;
        this.defaultUrl = defaultUrl;
        this.urlEnv = urlEnv;
        this.keyEnv = keyEnv;
    }

    /** The name used in config, e.g. {@code azure-openai}. */
    public String id() {
        return id;
    }

    /** The base URL used when neither the config nor {@link #urlEnv()} gives one. */
    public Optional<String> defaultUrl() {
        return Optional.ofNullable(defaultUrl);
    }

    /** The environment variable that supplies the base URL, if any. */
    public Optional<String> urlEnv() {
        return Optional.ofNullable(urlEnv);
    }

    /** The environment variable that supplies the API key, if any. */
    public Optional<String> keyEnv() {
        return Optional.ofNullable(keyEnv);
    }

    /** Whether it speaks OpenAI Chat Completions (as opposed to Anthropic Messages or Ollama). */
    public boolean openAiDialect() {
        return this == OPENAI || this == OPENROUTER || this == AZURE_OPENAI || this == DATABRICKS;
    }

    /** Whether it can serve the OpenAI Responses API natively ({@code providers.<name>.native-responses}). */
    public boolean canSpeakResponses() {
        return this == OPENAI || this == OPENROUTER || this == AZURE_OPENAI;
    }

    /** Whether it serves the Realtime API over WebSocket ({@code /realtime}, Azure {@code /openai/realtime}). */
    public boolean servesRealtime() {
        return this == OPENAI || this == AZURE_OPENAI;
    }

    /** Whether it serves embeddings (OpenAI's {@code /embeddings}, or Ollama's {@code /api/embed}). */
    public boolean servesEmbeddings() {
        return this != ANTHROPIC;
    }

    /** The kind named {@code text} (case and surrounding blanks ignored); the loader's parser. */
    public static ProviderKind parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (ProviderKind k : values()) {
            if (k.id.equals(t)) {
                return k;
            }
        }
        throw new IllegalArgumentException("is not one of " + ids());
    }

    /** Every kind's id, comma-separated, for messages that list the choices. */
    public static String ids() {
        return String.join(
                ", ", List.of(values()).stream().map(ProviderKind::id).toList());
    }
}
