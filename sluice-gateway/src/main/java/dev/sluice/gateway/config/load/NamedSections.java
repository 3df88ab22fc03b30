package dev.sluice.gateway.config.load;

import dev.sluice.gateway.config.ProviderKind;
import dev.sluice.gateway.config.load.value.ValueType;
import java.util.List;
import java.util.Optional;

/**
 * Keys under a name the operator chooses: {@code providers.<name>.<field>} and
 * {@code routes.<model>.<field>}. A route's name is a client-facing model name and may contain
 * dots ({@code routes.gpt-4.1.targets}): the section prefix and the known last field delimit it.
 * These keys come from the YAML file or {@code --set}; environment variables reach them only
 * through each provider kind's own variables ({@link ProviderKind}).
 */
final class NamedSections {

    /** One field of a named section, documented as {@code section.<name>.field}. */
    record Field(String section, String field, ValueType type, String defaultText, String description) {
        String documentedKey() {
            return section + ".<name>." + field;
        }

        ConfigKey asKey() {
            return new ConfigKey(documentedKey(), type.display, defaultText, "-", description);
        }
    }

    /** A raw key split into its field and the name it is set for. */
    record Match(Field field, String name) {}

    // spotless:off -- a table, as in Registry
    static final List<Field> FIELDS = List.of(
            new Field("providers", "kind", ValueType.PROVIDER_KIND, "",
                    "required: " + ProviderKind.ids()),
            new Field("providers", "url", ValueType.URL, "",
                    "base URL; default by kind: the kind's URL variable (OPENAI_BASE_URL, OLLAMA_HOST,"
                            + " AZURE_OPENAI_ENDPOINT, DATABRICKS_HOST), else its public URL"),
            new Field("providers", "api-keys", ValueType.SECRET_LIST, "",
                    "keys, rotated on 429; default: the kind's key variable (ANTHROPIC_API_KEY, OPENAI_API_KEY,"
                            + " OPENROUTER_API_KEY, AZURE_OPENAI_API_KEY, DATABRICKS_TOKEN)"),
            new Field("providers", "api-version", ValueType.TEXT, "",
                    "azure-openai: the api-version query parameter; default AZURE_OPENAI_API_VERSION, else 2024-10-21"),
            new Field("providers", "native-responses", ValueType.BOOLEAN, "false",
                    "openai, openrouter, azure-openai: the provider serves the Responses API itself, so /v1/responses"
                            + " requests reach it untranslated (its own store and previous_response_id apply)"),
            new Field("providers", "continuation", ValueType.BOOLEAN, "",
                    "whether the provider continues a final assistant turn (a prefill), so a broken stream can be"
                            + " continued on it; default true for anthropic, else false (true for vLLM/SGLang servers:"
                            + " Sluice sends continue_final_message)"),
            new Field("providers", "realtime", ValueType.BOOLEAN, "",
                    "whether /v1/realtime sessions may be routed to the provider; default true for openai and"
                            + " azure-openai (the kinds that serve the Realtime API), which may set false (e.g. an"
                            + " OpenAI-compatible server without it)"),
            new Field("providers", "max-connections", ValueType.POSITIVE_INT, "",
                    "connection pool bound; default upstream.max-connections"),
            new Field("providers", "max-queued-requests", ValueType.POSITIVE_INT, "",
                    "requests waiting for a pooled connection; default upstream.max-queued-requests"),
            new Field("routes", "targets", ValueType.TEXT_LIST, "",
                    "required: ordered list of provider:model (the upstream model name); later ones are fallbacks"),
            new Field("routes", "weights", ValueType.TEXT_LIST, "",
                    "one positive integer per target, for balance weighted; default 1 each"),
            new Field("routes", "on-context-length", ValueType.TEXT_LIST, "",
                    "provider:model targets, in order, for a request a target refused as too long for its"
                            + " context window; none: that 400 is passed on"),
            new Field("routes", "continuation", ValueType.BOOLEAN, "",
                    "continue this route's broken streams on the next target (see stream.continuation);"
                            + " default stream.continuation"),
            new Field("routes", "balance", ValueType.BALANCE, "fallback",
                    "fallback: first target, then the next on failure; weighted: first pick by weight;"
                            + " least-in-flight: first pick the target with fewest requests in flight"));
    // spotless:on

    private NamedSections() {}

    /** The field and name of {@code key}, when it is a named-section key. */
    static Optional<Match> match(String key) {
        for (Field f : FIELDS) {
            String prefix = f.section() + ".";
            String suffix = "." + f.field();
            if (key.startsWith(prefix) && key.endsWith(suffix) && key.length() > prefix.length() + suffix.length()) {
                return Optional.of(new Match(f, key.substring(prefix.length(), key.length() - suffix.length())));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code key} is a section with named entries ({@code providers}, {@code routes}). */
    static boolean isSection(String key) {
        return FIELDS.stream().anyMatch(f -> f.section().equals(key) || key.startsWith(f.section() + "."));
    }
}
