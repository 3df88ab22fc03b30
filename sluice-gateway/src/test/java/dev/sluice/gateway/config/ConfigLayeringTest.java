package dev.sluice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.config.load.ConfigLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLayeringTest {
    @TempDir
    Path dir;

    private Optional<Path> file(String yaml) throws Exception {
        return Optional.of(Files.writeString(dir.resolve("sluice.yaml"), yaml));
    }

    @Test
    void fileOverridesDefaultsEnvOverridesFileFlagsOverrideEnv() throws Exception {
        Optional<Path> f = file("server:\n  port: 1001\n  host: 127.0.0.2\nadmission:\n  max-in-flight: 10\n"
                + "log:\n  requests: false\n");
        Map<String, String> env = Map.of("SLUICE_SERVER_PORT", "1002", "SLUICE_ADMISSION_MAX_IN_FLIGHT", "20");
        Map<String, String> flags = Map.of("server.port", "1003");

        SluiceConfig c = ConfigLoader.load(f, env, flags);

        assertThat(c.server().port()).isEqualTo(1003); // flag over env over file
        assertThat(c.admission().maxInFlight()).isEqualTo(20); // env over file
        assertThat(c.server().host()).isEqualTo("127.0.0.2"); // file over default
        assertThat(c.log().requests()).isFalse();
        assertThat(c.timeouts().total()).isEqualTo(Duration.ofMinutes(10)); // default where nothing is set
    }

    @Test
    void nestedAndDottedFileKeysMeanTheSame() throws Exception {
        SluiceConfig c = ConfigLoader.load(
                file("timeouts.first-byte: 5s\nserver:\n  max-body-size: 1MiB\n" + "upstream: {max-connections: 3}\n"),
                Map.of(),
                Map.of());

        assertThat(c.timeouts().firstByte()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.server().maxBodySize()).isEqualTo(1 << 20);
        assertThat(c.upstream().maxConnections()).isEqualTo(3);
    }

    @Test
    void envNamesAreSluicePlusKeyWithDotsAndDashesAsUnderscores() throws Exception {
        SluiceConfig c = ConfigLoader.load(
                Optional.empty(),
                Map.of(
                        "SLUICE_TIMEOUTS_FIRST_BYTE", "PT7S",
                        "SLUICE_UPSTREAM_MAX_QUEUED_REQUESTS", "5",
                        "SLUICE_STREAM_HEARTBEAT_INTERVAL", "2s",
                        "PATH", "/usr/bin"),
                Map.of());

        assertThat(c.timeouts().firstByte()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.upstream().maxQueuedRequests()).isEqualTo(5);
        assertThat(c.stream().heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aliasesSetTheirKeysButTheCanonicalNameWins() throws Exception {
        SluiceConfig aliased = ConfigLoader.load(
                Optional.empty(),
                Map.of("SLUICE_PORT", "2001", "SLUICE_HOST", "localhost", "ANTHROPIC_API_KEY", "sk-alias"),
                Map.of());
        assertThat(aliased.server().port()).isEqualTo(2001);
        assertThat(aliased.server().host()).isEqualTo("localhost");
        assertThat(aliased.upstream().apiKey().reveal()).isEqualTo("sk-alias");

        SluiceConfig both = ConfigLoader.load(
                Optional.empty(),
                Map.of(
                        "SLUICE_PORT",
                        "2001",
                        "SLUICE_SERVER_PORT",
                        "2002",
                        "ANTHROPIC_API_KEY",
                        "sk-alias",
                        "SLUICE_UPSTREAM_API_KEY",
                        "sk-canonical"),
                Map.of());
        assertThat(both.server().port()).isEqualTo(2002);
        assertThat(both.upstream().apiKey().reveal()).isEqualTo("sk-canonical");
    }

    @Test
    void reservedSluiceVariablesAreNotConfigErrors() throws Exception {
        SluiceConfig c = ConfigLoader.load(
                Optional.empty(),
                Map.of(
                        "SLUICE_JVM_DIR",
                        "/opt/jdks",
                        "SLUICE_CONFIG",
                        "x.yaml",
                        "SLUICE_JAVA_OPTS",
                        "-Xmx512m",
                        "SLUICE_LOGGING_CONFIG",
                        "log.properties",
                        "SLUICE_BENCH_JAVA_OPTS",
                        "-Xmx1g"),
                Map.of());
        assertThat(c).isEqualTo(ConfigLoader.of(Map.of()));
    }

    @Test
    void clientKeysComeAsYamlListYamlStringOrCommaSeparatedEnv() throws Exception {
        SluiceConfig list =
                ConfigLoader.load(file("auth:\n  api-keys:\n    - k1\n    - 'k2,with-comma'\n"), Map.of(), Map.of());
        assertThat(list.auth().apiKeys()).containsExactly(Secret.of("k1"), Secret.of("k2,with-comma"));

        SluiceConfig string = ConfigLoader.load(file("auth.api-keys: k1,k2\n"), Map.of(), Map.of());
        assertThat(string.auth().apiKeys()).containsExactly(Secret.of("k1"), Secret.of("k2"));

        SluiceConfig env = ConfigLoader.load(Optional.empty(), Map.of("SLUICE_AUTH_API_KEYS", " a , b "), Map.of());
        assertThat(env.auth().apiKeys()).containsExactly(Secret.of("a"), Secret.of("b"));
    }

    @Test
    void yamlScalarsAreTakenAsWrittenNotByYamlTyping() throws Exception {
        SluiceConfig c = ConfigLoader.load(file("demo:\n  mode: off\nserver:\n  port: 010\n"), Map.of(), Map.of());
        assertThat(c.demo().enabled()).isFalse();
        assertThat(c.server().port()).isEqualTo(10);
    }

    @Test
    void demoAutoIsOnOnlyWithoutApiKeyAndWithoutUpstreamUrl() throws Exception {
        assertThat(ConfigLoader.of(Map.of()).demo().enabled()).isTrue();
        assertThat(ConfigLoader.of(Map.of("upstream.api-key", "sk-x")).demo().enabled())
                .isFalse();
        assertThat(ConfigLoader.of(Map.of("upstream.url", "http://127.0.0.1:9999"))
                        .demo()
                        .enabled())
                .isFalse();
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("ANTHROPIC_API_KEY", "sk-x"), Map.of())
                        .demo()
                        .enabled())
                .isFalse();
        assertThat(ConfigLoader.of(Map.of("demo.mode", "on", "upstream.api-key", "sk-x"))
                        .demo()
                        .enabled())
                .isTrue();
        assertThat(ConfigLoader.of(Map.of("demo.mode", "off")).demo().enabled()).isFalse();
    }

    @Test
    void openListenerIsAllowedWhenClientKeysAreSet() throws Exception {
        SluiceConfig c = ConfigLoader.of(Map.of("server.host", "0.0.0.0", "auth.api-keys", "client-1"));
        assertThat(c.server().host()).isEqualTo("0.0.0.0");
        assertThat(c.auth().apiKeys()).containsExactly(Secret.of("client-1"));
        assertThat(ConfigLoader.of(Map.of("server.host", "::1")).server().host())
                .isEqualTo("::1");
        assertThat(ConfigLoader.of(Map.of("server.host", "127.8.9.10")).server().host())
                .isEqualTo("127.8.9.10");
    }

    @Test
    void upstreamUrlAndZeroPreDrainAndEphemeralPortAreAccepted() throws Exception {
        SluiceConfig c = ConfigLoader.of(
                Map.of("upstream.url", "http://localhost:8081/base", "shutdown.pre-drain", "0s", "server.port", "0"));
        assertThat(c.upstream().url()).isEqualTo(URI.create("http://localhost:8081/base"));
        assertThat(c.shutdown().preDrain()).isZero();
        assertThat(c.server().port()).isZero();
    }
}
