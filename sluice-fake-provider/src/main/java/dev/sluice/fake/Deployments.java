package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * The OpenAI-compatible deployment routes, whose path names the model: Azure OpenAI
 * {@code POST /openai/deployments/{deployment}/chat/completions?api-version=...} and
 * {@code .../embeddings?api-version=...} (with an {@code api-key} header) and Databricks
 * {@code POST /serving-endpoints/{endpoint}/invocations} (with {@code Authorization: Bearer ...}), chat or
 * embeddings by its body.
 */
final class Deployments {
    static final String AZURE_PREFIX = "/openai/deployments/";
    static final String AZURE_SUFFIX = "/chat/completions";
    static final String AZURE_EMBEDDINGS_SUFFIX = "/embeddings";
    static final String DATABRICKS_PREFIX = "/serving-endpoints/";
    static final String DATABRICKS_SUFFIX = "/invocations";

    /** A matched route: which service, the deployment or endpoint name, and whether Azure's path asks for embeddings. */
    record Deployment(boolean azure, String name, boolean embeddingsPath) {
        /** Azure says so by its path; Databricks has one path for both, so a body with {@code input} and no {@code messages}. */
        boolean embeddings(Optional<JsonNode> root) {
            return azure
                    ? embeddingsPath
                    : root.filter(r -> r.has("input") && !r.has("messages")).isPresent();
        }
    }

    /** A refusal before the request is read, as the real service gives it. */
    record Refusal(ErrorKind kind, String message) {}

    private Deployments() {}

    /** The deployment this path names, or empty when it is no deployment route. */
    static Optional<Deployment> match(String path) {
        return name(path, AZURE_PREFIX, AZURE_SUFFIX)
                .map(name -> new Deployment(true, name, false))
                .or(() ->
                        name(path, AZURE_PREFIX, AZURE_EMBEDDINGS_SUFFIX).map(name -> new Deployment(true, name, true)))
                .or(() -> name(path, DATABRICKS_PREFIX, DATABRICKS_SUFFIX)
                        .map(name -> new Deployment(false, name, false)));
    }

    private static Optional<String> name(String path, String prefix, String suffix) {
        if (!path.startsWith(prefix) || !path.endsWith(suffix)) return Optional.empty();
        int end = path.length() - suffix.length();
        if (end <= prefix.length()) return Optional.empty();
        String name = path.substring(prefix.length(), end);
        return name.contains("/") ? Optional.empty() : Optional.of(name);
    }

    /**
     * What the service answers a request without its credentials (401) or, on Azure, without an
     * {@code api-version} query parameter (404 "Resource not found", as Azure does); empty when it may pass.
     *
     * @param header a request header by lower-case name
     */
    static Optional<Refusal> refusal(Deployment deployment, String query, Function<String, Optional<String>> header) {
        if (deployment.azure()) {
            if (header.apply("api-key").filter(key -> !key.isBlank()).isEmpty()) {
                return Optional.of(new Refusal(
                        ErrorKind.UNAUTHORIZED,
                        "Access denied due to invalid subscription key "
                                + "or wrong API endpoint. Make sure to provide a valid key for an active subscription and use "
                                + "a correct regional API endpoint for your resource."));
            }
            boolean versioned = Arrays.stream(query.split("&"))
                    .anyMatch(param -> param.startsWith("api-version=") && param.length() > "api-version=".length());
            return versioned
                    ? Optional.empty()
                    : Optional.of(
                            new Refusal(ErrorKind.RESOURCE_NOT_FOUND, ErrorKind.RESOURCE_NOT_FOUND.defaultMessage));
        }
        boolean bearer = header.apply("authorization")
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7)
                        && !value.substring(7).isBlank())
                .isPresent();
        return bearer
                ? Optional.empty()
                : Optional.of(new Refusal(
                        ErrorKind.UNAUTHORIZED, "Credential was not sent or was of an unsupported type for this API."));
    }
}
