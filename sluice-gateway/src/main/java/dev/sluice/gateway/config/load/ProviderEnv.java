package dev.sluice.gateway.config.load;

import dev.sluice.gateway.config.ProviderKind;
import dev.sluice.gateway.config.Secret;
import dev.sluice.gateway.config.load.value.ValueType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a provider takes from the environment when its keys leave it out: the kind's own base URL and API key
 * variables (OLLAMA_HOST, OPENAI_API_KEY, ...) and AZURE_OPENAI_API_VERSION. A bad URL there is a problem.
 */
final class ProviderEnv {
    static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";

    private final Map<String, String> env;
    private final List<String> problems;

    ProviderEnv(Map<String, String> env, List<String> problems) {
        this.env = env;
        this.problems = problems;
    }

    /** The base URL from the kind's URL variable (a bad one is a problem, named by {@code where}), else its default. */
    Optional<URI> envUrl(ProviderKind kind, String where) {
        Optional<String> fromEnv = kind.urlEnv().map(env::get).filter(v -> !v.isBlank());
        if (fromEnv.isPresent()) {
            String v = fromEnv.get().strip();
            if (kind == ProviderKind.OLLAMA && !v.contains("://")) {
                v = "http://" + v; // OLLAMA_HOST is often host:port
            }
            try {
                return Optional.of((URI) ValueType.URL.parse(v));
            } catch (IllegalArgumentException e) {
                problems.add(where + ".url: env " + kind.urlEnv().get() + " " + e.getMessage());
                return Optional.empty();
            }
        }
        return kind.defaultUrl().map(URI::create);
    }

    /** The key from the kind's API key variable, if set. */
    List<Secret> envKeys(ProviderKind kind) {
        return kind.keyEnv()
                .map(env::get)
                .filter(v -> !v.isBlank())
                .map(v -> List.of(Secret.of(v.strip())))
                .orElse(List.of());
    }

    /** The configured Azure OpenAI API version, else AZURE_OPENAI_API_VERSION, else the default. */
    String azureVersion(@Nullable String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String fromEnv = env.get("AZURE_OPENAI_API_VERSION");
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv.strip() : DEFAULT_AZURE_API_VERSION;
    }
}
