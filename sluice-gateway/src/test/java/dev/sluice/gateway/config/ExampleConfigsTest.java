package dev.sluice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.config.load.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The example configs in examples/ load as documented, so the docs that show them stay true. */
class ExampleConfigsTest {

    @Test
    void claudeCodeViaOpenAiRoutesClaudeNamesToOpenAiWithOllamaFallback() throws Exception {
        SluiceConfig c = ConfigLoader.load(
                Optional.of(examples().resolve("claude-code-via-openai.yaml")),
                Map.of("OPENAI_API_KEY", "sk-test"),
                Map.of());

        assertThat(c.demo().enabled()).isFalse();
        assertThat(c.routing().providers()).containsOnlyKeys("openai", "local");
        assertThat(c.routing().providers().get("openai").kind()).isEqualTo(ProviderKind.OPENAI);
        assertThat(c.routing().providers().get("openai").apiKeys())
                .extracting(Secret::reveal)
                .containsExactly("sk-test");
        assertThat(c.routing().providers().get("local").kind()).isEqualTo(ProviderKind.OLLAMA);
        assertThat(c.routing().routes().get("claude-sonnet-4-5").targets())
                .containsExactly(
                        new SluiceConfig.Target("openai", "gpt-4.1", 1),
                        new SluiceConfig.Target("local", "qwen2.5-coder:7b", 1));
        assertThat(c.routing().routes().get("*").targets())
                .as("Claude Code's default model, whatever its name")
                .containsExactly(
                        new SluiceConfig.Target("openai", "gpt-4.1", 1),
                        new SluiceConfig.Target("local", "qwen2.5-coder:7b", 1));
    }

    @Test
    void codexViaAnthropicRoutesToClaudeWithNativeOpenAiResponsesFallback() throws Exception {
        SluiceConfig c = ConfigLoader.load(
                Optional.of(examples().resolve("codex-via-anthropic.yaml")),
                Map.of("OPENAI_API_KEY", "sk-test", "ANTHROPIC_API_KEY", "sk-ant-test"),
                Map.of());

        assertThat(c.routing().providers().get("anthropic").kind()).isEqualTo(ProviderKind.ANTHROPIC);
        assertThat(c.routing().providers().get("anthropic").nativeResponses()).isFalse();
        assertThat(c.routing().providers().get("openai").nativeResponses()).isTrue();
        assertThat(c.routing().routes().get("gpt-5-codex").targets())
                .containsExactly(
                        new SluiceConfig.Target("anthropic", "claude-sonnet-4-5", 1),
                        new SluiceConfig.Target("openai", "gpt-5-codex", 1));
        assertThat(c.responses().omitUnsupportedTools()).isTrue();
        assertThat(c.responses().store()).as("the default").isTrue();
    }

    @Test
    void nativeResponsesOnAProviderThatCannotServeThemIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(
                        Optional.empty(),
                        Map.of(),
                        Map.of("providers.local.kind", "ollama", "providers.local.native-responses", "true")))
                .hasMessageContaining(
                        "providers.local.native-responses: ollama providers do not serve the" + " Responses API");
    }

    @Test
    void realtimeCanBeTurnedOffOnAnOpenAiProviderButNotOnOnAKindWithoutIt() throws Exception {
        SluiceConfig off = ConfigLoader.load(
                Optional.empty(),
                Map.of(),
                Map.of(
                        "providers.vllm.kind",
                        "openai",
                        "providers.vllm.url",
                        "http://127.0.0.1:1",
                        "providers.vllm.realtime",
                        "false"));
        assertThat(off.routing().providers().get("vllm").realtime()).isFalse();
        SluiceConfig byDefault = ConfigLoader.load(
                Optional.empty(),
                Map.of(),
                Map.of("providers.o.kind", "openai", "providers.o.url", "http://127.0.0.1:1"));
        assertThat(byDefault.routing().providers().get("o").realtime()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(
                        Optional.empty(),
                        Map.of(),
                        Map.of("providers.local.kind", "ollama", "providers.local.realtime", "true")))
                .hasMessageContaining("providers.local.realtime: ollama providers do not serve the Realtime API");
    }

    private static Path examples() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("examples"))) {
                return d.resolve("examples");
            }
        }
        throw new AssertionError("no examples/ directory above " + Path.of("").toAbsolutePath());
    }
}
