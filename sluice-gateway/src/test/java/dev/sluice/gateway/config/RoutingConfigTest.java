package dev.sluice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.config.load.ConfigLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Providers and routes: named sections in YAML, defaults from each kind's env variables, cross-checks. */
class RoutingConfigTest {

    @TempDir
    Path dir;

    @Test
    void yamlProvidersAndRoutesWithDottedModelNames() throws Exception {
        Path file = write("""
                providers:
                  oai:
                    kind: openai
                    api-keys: [k1, k2]
                  local:
                    kind: ollama
                routes:
                  claude-sonnet-4.5:
                    targets: ["oai:gpt-4.1", "local:llama3.2:3b"]
                  fast:
                    targets: ["oai:gpt-4o-mini", "oai:gpt-4.1-nano"]
                    weights: [3, 1]
                    balance: weighted
                """);
        SluiceConfig c = ConfigLoader.load(Optional.of(file), Map.of("OLLAMA_HOST", "127.0.0.1:11999"), Map.of());

        var providers = c.routing().providers();
        assertThat(providers).containsOnlyKeys("oai", "local"); // no upstream.* set: no default provider
        assertThat(providers.get("oai").url()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(providers.get("oai").apiKeys()).extracting(Secret::reveal).containsExactly("k1", "k2");
        assertThat(providers.get("local").url()).isEqualTo(URI.create("http://127.0.0.1:11999"));
        assertThat(c.demo().enabled()).isFalse();
        var route = c.routing().routes().get("claude-sonnet-4.5");
        assertThat(route.targets())
                .containsExactly(
                        new SluiceConfig.Target("oai", "gpt-4.1", 1),
                        new SluiceConfig.Target("local", "llama3.2:3b", 1));
        assertThat(c.routing().routes().get("fast").balance()).isEqualTo(SluiceConfig.Balance.WEIGHTED);
        assertThat(c.routing().routes().get("fast").targets())
                .extracting(SluiceConfig.Target::weight)
                .containsExactly(3, 1);
        assertThat(c.routing().defaultProvider()).isEmpty(); // two providers, none named default
        assertThat(ConfigLoader.describe(c))
                .contains(
                        "oai:",
                        "kind: openai",
                        "[\"****\", \"****\"]",
                        "targets: [\"oai:gpt-4.1\", \"local:llama3.2:3b\"]")
                .doesNotContain("k1");
    }

    @Test
    void contextLengthTargetsAndSameTargetRetries() throws Exception {
        Path file = write("""
                providers:
                  oai:
                    kind: openai
                    api-keys: [k1]
                routes:
                  gpt-4.1:
                    targets: ["oai:gpt-4.1", "oai:gpt-4.1-mini"]
                    on-context-length: ["oai:gpt-4.1-1m", "oai:gpt-4.1"]
                routing:
                  same-target-retries:
                    server-error: 2
                    timeout: 1
                """);
        SluiceConfig c = ConfigLoader.load(Optional.of(file), Map.of(), Map.of());

        var route = c.routing().routes().get("gpt-4.1");
        assertThat(route.onContextLength())
                .containsExactly(
                        new SluiceConfig.Target("oai", "gpt-4.1-1m", 1), new SluiceConfig.Target("oai", "gpt-4.1", 1));
        assertThat(c.routing().sameTargetRetries()).isEqualTo(new SluiceConfig.SameTargetRetries(2, 1, 0, 1));
        assertThat(ConfigLoader.describe(c))
                .contains(
                        "on-context-length: [\"oai:gpt-4.1-1m\", \"oai:gpt-4.1\"]",
                        "same-target-retries.server-error: 2",
                        "same-target-retries.overloaded: 0");
        assertThat(ConfigLoader.of(Map.of()).routing().sameTargetRetries())
                .isEqualTo(new SluiceConfig.SameTargetRetries(1, 1, 0, 0));
        assertThat(ConfigLoader.of(Map.of("providers.o.kind", "openai", "routes.m.targets", "o:a"))
                        .routing()
                        .routes()
                        .get("m")
                        .onContextLength())
                .isEmpty();
    }

    @Test
    void contextLengthTargetsMustNameConfiguredProviders() {
        assertThatThrownBy(() -> ConfigLoader.of(Map.of(
                        "providers.o.kind", "openai",
                        "routes.m.targets", "o:a",
                        "routes.m.on-context-length", "big:a-1m",
                        "routes.n.targets", "o:a",
                        "routes.n.on-context-length", "no-colon",
                        "routing.same-target-retries.timeout", "-1")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p)
                                .startsWith("routes.m.on-context-length: entry \"big:a-1m\" names provider \"big\"")
                                .contains("not configured"))
                        .anySatisfy(p -> assertThat(p)
                                .startsWith("routes.n.on-context-length: entry \"no-colon\" is not provider:model"))
                        .anySatisfy(p -> assertThat(p).startsWith("routing.same-target-retries.timeout: \"-1\"")));
    }

    @Test
    void providerKeysComeFromEachKindsEnvironmentVariable() throws Exception {
        SluiceConfig c = ConfigLoader.load(
                Optional.empty(),
                Map.of(
                        "OPENAI_API_KEY",
                        "sk-env",
                        "AZURE_OPENAI_ENDPOINT",
                        "https://res.openai.azure.com",
                        "AZURE_OPENAI_API_KEY",
                        "az",
                        "AZURE_OPENAI_API_VERSION",
                        "2025-01-01-preview"),
                Map.of(
                        "providers.o.kind",
                        "openai",
                        "providers.az.kind",
                        "azure-openai",
                        "upstream.url",
                        "http://127.0.0.1:9"));

        assertThat(c.routing().providers()).containsOnlyKeys("default", "o", "az");
        assertThat(c.routing().providers().get("o").apiKeys())
                .extracting(Secret::reveal)
                .containsExactly("sk-env");
        assertThat(c.routing().providers().get("az").apiVersion()).isEqualTo("2025-01-01-preview");
        assertThat(c.routing().providers().get("az").url()).isEqualTo(URI.create("https://res.openai.azure.com"));
        assertThat(c.routing().defaultProvider()).isEqualTo("default");
    }

    @Test
    void everyRoutingProblemIsListed() {
        assertThatThrownBy(() -> ConfigLoader.of(Map.of(
                        "providers.d.kind", "databricks",
                        "providers.x.kind", "grok",
                        "providers.y.url", "http://127.0.0.1:1",
                        "routes.m.targets", "nope:model",
                        "routes.n.targets", "d-model-without-colon",
                        "routes.w.targets", "y:a",
                        "routes.w.weights", "1,2",
                        "routing.default-provider", "ghost")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p)
                                .startsWith("providers.d.url: missing")
                                .contains("DATABRICKS_HOST"))
                        .anySatisfy(p -> assertThat(p)
                                .startsWith("providers.x.kind: \"grok\"")
                                .contains("ollama"))
                        .anySatisfy(p -> assertThat(p).startsWith("providers.y.kind: missing"))
                        .anySatisfy(p ->
                                assertThat(p).startsWith("routes.m.targets").contains("\"nope\""))
                        .anySatisfy(p ->
                                assertThat(p).startsWith("routes.n.targets").contains("not provider:model"))
                        .anySatisfy(p -> assertThat(p).startsWith("routing.default-provider: \"ghost\"")));
    }

    @Test
    void unknownFieldInANamedSectionNamesTheValidOnes() {
        assertThatThrownBy(() -> ConfigLoader.of(Map.of("providers.o.kind", "openai", "providers.o.key", "s3cret")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .singleElement()
                        .satisfies(p -> assertThat(p)
                                .contains("providers.o.key", "providers.<name>.api-keys")
                                .doesNotContain("s3cret")));
    }

    @Test
    void demoStaysOnOnlyWhenNothingIsConfigured() throws Exception {
        assertThat(ConfigLoader.of(Map.of()).demo().enabled()).isTrue();
        assertThat(ConfigLoader.of(Map.of("providers.o.kind", "openai")).demo().enabled())
                .isFalse();
        assertThat(ConfigLoader.of(Map.of("upstream.kind", "ollama"))
                        .routing()
                        .providers()
                        .get("default")
                        .kind())
                .isEqualTo(ProviderKind.OLLAMA);
    }

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("sluice.yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
