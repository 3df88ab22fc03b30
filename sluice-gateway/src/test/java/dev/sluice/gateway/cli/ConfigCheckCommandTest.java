package dev.sluice.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.config.StartupRuleCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckCommandTest {
    private static final String CANARY = "sk-canary-0b5d";

    @TempDir
    Path dir;

    @Test
    void validConfigPrintsConfigOkAndTheEffectiveValuesAndExitsZero() throws Exception {
        Path f = Files.writeString(dir.resolve("gw.yaml"), "server:\n  port: 9100\n");
        CliRun r = CliRun.run(
                Map.of("SLUICE_TIMEOUTS_TOTAL", "2m", "ANTHROPIC_API_KEY", CANARY),
                dir,
                "config",
                "check",
                "--config",
                f.toString(),
                "--set",
                "admission.max-in-flight=7");

        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .startsWith("config ok\n")
                .contains("  port: 9100\n", "  total: 2m\n", "  max-in-flight: 7\n", "  api-key: \"****\"")
                .doesNotContain(CANARY);
    }

    @Test
    void invalidConfigListsEveryProblemWithoutStackTraceAndExitsTwo() throws Exception {
        Path f = Files.writeString(dir.resolve("gw.yaml"), "server:\n  prot: 1\n");
        CliRun r = CliRun.run(
                Map.of("SLUICE_SERVER_MAX_BODY_SIZE", "1MB", "SLUICE_UPSTREAM_API_KEY", CANARY + " "),
                dir,
                "config",
                "check",
                "-c",
                f.toString(),
                "--set",
                "timeouts.idle=forever");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .startsWith("sluice: invalid configuration (4 problems):")
                .contains("server.prot", "SLUICE_SERVER_MAX_BODY_SIZE", "upstream.api-key", "timeouts.idle")
                .doesNotContain(CANARY)
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void everyRuleServeEnforcesAtStartupFailsTheCheck() throws Exception {
        Path all = Files.writeString(dir.resolve("all.yaml"), StartupRuleCases.ALL_FOUR);
        CliRun r = CliRun.run(Map.of(), dir, "config", "check", "-c", all.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .startsWith("sluice: invalid configuration (4 problems):")
                .contains("usage.prices", "cache.redis-tier", "routing.probe-max", "routing.breaker.failure-rate")
                .doesNotContain("probeMax");

        int i = 0;
        for (var c : StartupRuleCases.eachAlone().entrySet()) {
            Path f = Files.writeString(dir.resolve("case" + i++ + ".yaml"), c.getKey());
            CliRun one = CliRun.run(Map.of(), dir, "config", "check", "-c", f.toString());
            assertThat(one.exitCode()).as(c.getKey()).isEqualTo(2);
            assertThat(one.err())
                    .as(c.getKey())
                    .startsWith("sluice: invalid configuration (1 problem):")
                    .contains("  - " + c.getValue() + ":");
        }
    }

    @Test
    void fileComesFromSluiceConfigEnvOrSluiceYamlInTheWorkingDirectory() throws Exception {
        Path named = Files.writeString(dir.resolve("named.yaml"), "server.port: 9201\n");
        assertThat(CliRun.run(Map.of("SLUICE_CONFIG", named.toString()), dir, "config", "check")
                        .out())
                .contains("  port: 9201\n");

        Files.writeString(dir.resolve("sluice.yaml"), "server.port: 9202\n");
        assertThat(CliRun.run(Map.of(), dir, "config", "check").out()).contains("  port: 9202\n");
    }

    @Test
    void withoutAnyFileTheDefaultsAreChecked() {
        CliRun r = CliRun.run(Map.of(), dir, "config", "check");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("  port: 8080\n", "  mode: \"on\"\n");
    }

    @Test
    void malformedSetIsAUsageError() {
        CliRun r = CliRun.run(Map.of(), dir, "config", "check", "--set", "server.port");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--set");
    }

    @Test
    void configWithoutSubcommandPrintsUsageAndExitsTwo() {
        CliRun r = CliRun.run(Map.of(), dir, "config");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("check");
    }
}
