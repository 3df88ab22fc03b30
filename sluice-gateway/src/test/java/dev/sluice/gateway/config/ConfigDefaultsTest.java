package dev.sluice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.config.load.ConfigKey;
import dev.sluice.gateway.config.load.ConfigLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDefaultsTest {

    @Test
    void everyKeyHasItsDocumentedDefault() throws Exception {
        SluiceConfig c = ConfigLoader.of(Map.of());

        assertThat(c.server())
                .isEqualTo(new SluiceConfig.Server(
                        "127.0.0.1",
                        8080,
                        32L << 20,
                        64 << 10,
                        16 << 10,
                        10_000,
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(60),
                        4L << 10));
        assertThat(c.admission().maxInFlight()).isEqualTo(256);
        assertThat(c.upstream())
                .isEqualTo(new SluiceConfig.Upstream(
                        ProviderKind.ANTHROPIC, URI.create("https://api.anthropic.com"), Secret.none(), 64, 1024));
        assertThat(c.timeouts())
                .isEqualTo(new SluiceConfig.Timeouts(
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(60),
                        Duration.ofMinutes(10)));
        assertThat(c.stream()).isEqualTo(new SluiceConfig.Stream(Duration.ofMillis(500), true, false));
        assertThat(c.shutdown())
                .isEqualTo(new SluiceConfig.Shutdown(
                        Duration.ofSeconds(1), Duration.ofSeconds(25), Duration.ofSeconds(5)));
        assertThat(c.demo()).isEqualTo(new SluiceConfig.Demo(true, 24, Duration.ofMillis(30)));
        assertThat(c.auth().apiKeys()).isEmpty();
        assertThat(c.log().requests()).isTrue();
        assertThat(c.routing().providers()).containsOnlyKeys("default");
        assertThat(c.routing().defaultProvider()).isEqualTo("default");
        assertThat(c.routing().routes()).isEmpty();
        assertThat(c.routing().maxAttempts()).isEqualTo(3);
        assertThat(c.routing().breaker()).isEqualTo(new SluiceConfig.Breaker(0.5, 20, 10, Duration.ofSeconds(30), 2));
    }

    @Test
    void loadWithNoSourcesEqualsTheDefaults() throws Exception {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of(), Map.of())).isEqualTo(ConfigLoader.of(Map.of()));
    }

    @Test
    void registryListsEveryKeyOnceWithItsEnvName() {
        assertThat(ConfigLoader.keys()).hasSize(130);
        assertThat(ConfigLoader.keys()).extracting(ConfigKey::key).doesNotHaveDuplicates();
        assertThat(ConfigLoader.keys()).allSatisfy(k -> {
            assertThat(k.key()).matches("[a-z]+(\\.<name>)?(\\.[a-z-]+)+");
            assertThat(k.env())
                    .isEqualTo(
                            k.key().contains("<name>")
                                    ? "-"
                                    : "SLUICE_" + k.key().toUpperCase().replaceAll("[.-]", "_"));
            assertThat(k.description()).isNotBlank();
            assertThat(k.type()).isNotBlank();
        });
    }

    @Test
    void describedConfigReadsBackAsTheSameConfig(@TempDir Path dir) throws Exception {
        SluiceConfig c = ConfigLoader.of(Map.of(
                "server.port",
                "9001",
                "timeouts.total",
                "PT1.5S",
                "server.max-body-size",
                "1000",
                "demo.mode",
                "off",
                "shutdown.pre-drain",
                "0"));
        Path file = Files.writeString(dir.resolve("described.yaml"), ConfigLoader.describe(c));

        assertThat(ConfigLoader.load(Optional.of(file), Map.of(), Map.of())).isEqualTo(c);
    }

    @Test
    void describeShowsEffectiveValuesInTheirUnits() throws Exception {
        String text = ConfigLoader.describe(ConfigLoader.of(Map.of("timeouts.first-byte", "90s")));

        assertThat(text)
                .contains("server:\n  host: 127.0.0.1\n  port: 8080\n  max-body-size: 32MiB\n")
                .contains("  first-byte: 90s\n")
                .contains("  heartbeat-interval: 500ms\n")
                .contains("  mode: \"on\"\n");
    }
}
