package dev.sluice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.gateway.config.load.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRedactionTest {
    private static final String CANARY = "sk-canary-7f3e9a1c";

    @Test
    void secretsAreAbsentFromDescribeAndToString() throws Exception {
        SluiceConfig c = ConfigLoader.load(
                Optional.empty(),
                Map.of("ANTHROPIC_API_KEY", CANARY),
                Map.of("auth.api-keys", CANARY + "-client1," + CANARY + "-client2"));

        assertThat(c.upstream().apiKey().reveal()).isEqualTo(CANARY);
        assertThat(ConfigLoader.describe(c))
                .doesNotContain(CANARY)
                .contains("api-key: \"****\"")
                .contains("api-keys: [\"****\", \"****\"]  # 2 keys, redacted");
        assertThat(c.toString()).doesNotContain(CANARY).contains("****");
        assertThat(c.upstream().apiKey().toString()).isEqualTo("****");
        assertThat(Secret.none().toString()).isEmpty();
    }

    @Test
    void badSecretValuesAreReportedWithoutTheValue() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> ConfigLoader.load(
                        Optional.empty(),
                        Map.of(
                                "SLUICE_UPSTREAM_API_KEY",
                                CANARY + " ",
                                "SLUICE_AUTH_API_KEYS",
                                CANARY + ",\u0001" + CANARY,
                                "SLUICE_API_KEY",
                                CANARY),
                        Map.of("upstream.api-keys", CANARY)));

        assertThat(e.problems())
                .hasSize(4)
                .anySatisfy(
                        p -> assertThat(p)
                                .startsWith(
                                        "upstream.api-key: <redacted> (from env SLUICE_UPSTREAM_API_KEY) has leading or trailing whitespace"));
        assertThat(e.getMessage()).doesNotContain(CANARY);
    }

    @Test
    void yamlSyntaxErrorDoesNotQuoteTheFileLine(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("s.yaml"), "upstream:\n  api-key: " + CANARY + ": [oops\n");
        ConfigException e = catchThrowableOfType(
                ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of()));
        assertThat(e.getMessage()).contains("not valid YAML").doesNotContain(CANARY);
    }

    @Test
    void secretMatchesOnlyItsExactValue() {
        Secret s = Secret.of("abc123");
        assertThat(s.matches("abc123")).isTrue();
        assertThat(s.matches("abc124")).isFalse();
        assertThat(s.matches("abc1234")).isFalse();
        assertThat(s.matches(null)).isFalse();
        assertThat(Secret.none().matches("")).isFalse();
        assertThat(Secret.of("")).isSameAs(Secret.none());
        assertThat(Secret.none().isEmpty()).isTrue();
    }

    @Test
    void secretsAreEqualByValue() {
        assertThat(Secret.of("k"))
                .isEqualTo(Secret.of("k"))
                .hasSameHashCodeAs(Secret.of("k"))
                .isNotEqualTo(Secret.of("K"));
    }
}
