package dev.sluice.gateway.provider;

import dev.sluice.gateway.config.ProviderKind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One configured provider: its kind, its own bounded connection pool, and how its requests are
 * addressed and authenticated. Paths and auth headers are the only per-kind differences at this level;
 * the body's dialect is the translator's business.
 */
public final class ProviderEndpoint implements AutoCloseable {

    private final String name;
    private final ProviderKind kind;
    private final UpstreamClient client;
    private final String apiVersion;
    private final List<String> keys;
    private final Serves serves;

    /**
     * What the provider serves beyond its kind's chat API, as configured.
     *
     * @param nativeResponses Responses requests reach it untranslated ({@code providers.<name>.native-responses})
     * @param continuation it continues a final assistant turn, so a broken stream may go on here
     *        ({@code providers.<name>.continuation})
     * @param realtime realtime sessions may be routed to it ({@code providers.<name>.realtime})
     */
    public record Serves(boolean nativeResponses, boolean continuation, boolean realtime) {}

    public ProviderEndpoint(
            String name,
            ProviderKind kind,
            UpstreamClient client,
            String apiVersion,
            List<String> keys,
            Serves serves) {
        this.name = name;
        this.kind = kind;
        this.client = client;
        this.apiVersion = apiVersion;
        this.keys = List.copyOf(keys);
        this.serves = serves;
    }

    /** Whether Responses requests reach this provider untranslated ({@code providers.<name>.native-responses}). */
    public boolean nativeResponses() {
        return serves.nativeResponses();
    }

    /** Whether it continues a final assistant turn, so a broken stream may go on here ({@code providers.<name>.continuation}). */
    public boolean continuation() {
        return serves.continuation();
    }

    /** Whether realtime sessions may be routed to it: its kind serves them and {@code providers.<name>.realtime} allows. */
    public boolean realtime() {
        return serves.realtime();
    }

    /** The first configured key, for calls outside routing (model list, token count, probes). */
    public Optional<String> firstKey() {
        return keys.stream().findFirst();
    }

    public String name() {
        return name;
    }

    public ProviderKind kind() {
        return kind;
    }

    public UpstreamClient client() {
        return client;
    }

    /** Path (and query) of a generation request for {@code model}: Messages, Chat Completions or Ollama chat. */
    public String generationPath(String model, String anthropicQuery) {
        return switch (kind) {
            case ANTHROPIC -> "/v1/messages" + query(anthropicQuery);
            case OPENAI, OPENROUTER -> "/chat/completions";
            case AZURE_OPENAI ->
                "/openai/deployments/" + segment(model) + "/chat/completions?api-version="
                        + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8);
            case DATABRICKS -> "/serving-endpoints/" + segment(model) + "/invocations";
            case OLLAMA -> "/api/chat";
        };
    }

    /** The api-version Azure OpenAI paths carry. */
    public String apiVersion() {
        return apiVersion;
    }

    /** Path of a native Responses request (only for kinds that {@link ProviderKind#canSpeakResponses()}). */
    public String responsesPath() {
        return kind == ProviderKind.AZURE_OPENAI
                ? "/openai/responses?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8)
                : "/responses";
    }

    /** Path of an embeddings request for {@code model}: OpenAI's, the Azure deployment's, Databricks', Ollama's. */
    public String embeddingsPath(String model) {
        return switch (kind) {
            case ANTHROPIC -> throw new IllegalStateException("Anthropic serves no embeddings");
            case OPENAI, OPENROUTER -> "/embeddings";
            case AZURE_OPENAI ->
                "/openai/deployments/" + segment(model) + "/embeddings?api-version="
                        + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8);
            case DATABRICKS -> "/serving-endpoints/" + segment(model) + "/invocations";
            case OLLAMA -> "/api/embed";
        };
    }

    /** Path of the model list, also used as the health probe. */
    public String modelsPath() {
        return switch (kind) {
            case ANTHROPIC -> "/v1/models";
            case OPENAI, OPENROUTER -> "/models";
            case AZURE_OPENAI -> "/openai/models?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8);
            case DATABRICKS -> "/api/2.0/serving-endpoints";
            case OLLAMA -> "/api/tags";
        };
    }

    /** The headers that carry {@code apiKey} for this kind (none without a key). */
    public Map<String, List<String>> authHeaders(Optional<String> apiKey) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        apiKey.ifPresent(key -> {
            switch (kind) {
                case ANTHROPIC -> h.put("x-api-key", List.of(key));
                case AZURE_OPENAI -> h.put("api-key", List.of(key));
                default -> h.put("authorization", List.of("Bearer " + key));
            }
        });
        if (kind == ProviderKind.ANTHROPIC) {
            h.putIfAbsent("anthropic-version", List.of("2023-06-01"));
        }
        return h;
    }

    private static String query(String q) {
        return q == null || q.isEmpty() ? "" : "?" + q;
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        client.close();
    }
}
