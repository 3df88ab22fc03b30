package dev.sluice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.gateway.config.load.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigErrorsTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        return Files.writeString(dir.resolve("sluice.yaml"), yaml);
    }

    private static List<String> problemsOf(ThrowingLoad load) {
        ConfigException e = catchThrowableOfType(ConfigException.class, load::run);
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.getMessage().lines().skip(1).toList()).hasSameSizeAs(e.problems());
        return e.problems();
    }

    private static List<String> envProblems(Map<String, String> env) {
        return problemsOf(() -> ConfigLoader.load(Optional.empty(), env, Map.of()));
    }

    interface ThrowingLoad {
        void run() throws Exception;
    }

    @Test
    void unknownFileKeyIsNamedWithItsLineAndASuggestion() throws Exception {
        Path f = file("server:\n  prot: 8080\n");
        assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of())))
                .singleElement()
                .asString()
                .contains("\"server.prot\"")
                .contains("file " + f + ", line 2")
                .contains("did you mean server.port?");
    }

    @Test
    void sectionGivenAsValueListsTheSectionsKeys() throws Exception {
        Path f = file("log: true\n");
        assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of())))
                .singleElement()
                .asString()
                .contains("unknown key \"log\"")
                .contains("log is a section, with keys log.requests");
    }

    @Test
    void unknownSluiceEnvVariableIsAnErrorWithASuggestion() {
        assertThat(envProblems(Map.of("SLUICE_SERVER_PROT", "80")))
                .singleElement()
                .asString()
                .contains("SLUICE_SERVER_PROT")
                .contains("did you mean SLUICE_SERVER_PORT?");
    }

    @Test
    void badIntNamesKeySourceAndValue() {
        assertThat(envProblems(Map.of("SLUICE_SERVER_PORT", "80a")))
                .containsExactly("server.port: \"80a\" (from env SLUICE_SERVER_PORT) is not an integer in 0..65535");
        assertThat(envProblems(Map.of("SLUICE_PORT", "70000")))
                .singleElement()
                .asString()
                .contains("server.port")
                .contains("\"70000\"")
                .contains("env SLUICE_PORT")
                .contains("out of range");
        assertThat(problemsOf(() -> ConfigLoader.of(Map.of("admission.max-in-flight", "0"))))
                .containsExactly(
                        "admission.max-in-flight: \"0\" (from settings) is out of range: must be an integer >= 1");
    }

    @Test
    void ambiguousSizeUnitIsRejectedWithTheBinaryUnitToUse() {
        assertThat(envProblems(Map.of("SLUICE_SERVER_MAX_BODY_SIZE", "32MB")))
                .singleElement()
                .asString()
                .startsWith("server.max-body-size: \"32MB\" (from env SLUICE_SERVER_MAX_BODY_SIZE)")
                .contains("ambiguous")
                .contains("32MiB");
        assertThat(problemsOf(() -> ConfigLoader.of(Map.of("server.max-header-size", "4GiB"))))
                .singleElement()
                .asString()
                .contains("server.max-header-size")
                .contains("\"4GiB\"")
                .contains("too large");
    }

    @Test
    void badDurationNamesKeySourceAndValue() throws Exception {
        Path f = file("timeouts:\n  idle: 30 seconds\n");
        assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of())))
                .singleElement()
                .asString()
                .startsWith("timeouts.idle: \"30 seconds\" (from file " + f + ", line 2)")
                .contains("unknown duration unit");
        assertThat(problemsOf(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("timeouts.total", "30"))))
                .containsExactly("timeouts.total: \"30\" (from command line) has no unit: write e.g. 30ms or 30s");
    }

    @Test
    void zeroDurationIsRejectedExceptForPreDrain() {
        assertThat(problemsOf(() -> ConfigLoader.of(Map.of("timeouts.connect", "0s", "shutdown.pre-drain", "0s"))))
                .containsExactly("timeouts.connect: \"0s\" (from settings) must be > 0");
        assertThat(problemsOf(() -> ConfigLoader.of(Map.of("shutdown.pre-drain", "PT-1S"))))
                .singleElement()
                .asString()
                .contains("shutdown.pre-drain")
                .contains("must be >= 0");
    }

    @Test
    void badUrlNamesKeySourceAndValue() {
        assertThat(envProblems(Map.of("SLUICE_UPSTREAM_URL", "ftp://example.com")))
                .containsExactly(
                        "upstream.url: \"ftp://example.com\" (from env SLUICE_UPSTREAM_URL) is not an http:// or https:// URL");
        assertThat(problemsOf(() -> ConfigLoader.of(Map.of("upstream.url", "https://exa mple.com"))))
                .singleElement()
                .asString()
                .contains("\"https://exa mple.com\"")
                .contains("not a valid URL");
    }

    @Test
    void nonLoopbackHostWithoutClientKeysIsRefused() {
        assertThat(problemsOf(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("server.host", "0.0.0.0"))))
                .singleElement()
                .asString()
                .contains("auth.api-keys")
                .contains("server.host \"0.0.0.0\" (from command line)")
                .contains("not a loopback address");
        assertThat(envProblems(Map.of("SLUICE_HOST", "gateway.internal")))
                .singleElement()
                .asString()
                .contains("\"gateway.internal\" (from env SLUICE_HOST)");
    }

    @Test
    void hostMustBeAHostNameOrIpWithoutPortOrBrackets() {
        assertThat(problemsOf(() -> ConfigLoader.of(Map.of("server.host", "127.0.0.1:8080"))))
                .singleElement()
                .asString()
                .startsWith("server.host: \"127.0.0.1:8080\" (from settings) is not a host name")
                .contains("the port goes in server.port");
        assertThat(problemsOf(() -> ConfigLoader.of(Map.of("server.host", "[::1]"))))
                .singleElement()
                .asString()
                .contains("without brackets");
        assertThat(problemsOf(() -> ConfigLoader.of(Map.of("server.host", ""))))
                .singleElement()
                .asString()
                .contains("server.host: \"\" (from settings) is empty");
    }

    @Test
    void everyBadValueFromEverySourceIsListedAtOnce() throws Exception {
        Path f = file("server:\n  max-body-size: 10MB\n  colour: blue\ntimeouts.idle: soon\n");
        Map<String, String> env =
                Map.of("SLUICE_SERVER_PORT", "-1", "SLUICE_BOGUS", "1", "SLUICE_UPSTREAM_URL", "nope");
        Map<String, String> flags = Map.of("server.host", "10.0.0.1", "log.requests", "yes");

        List<String> problems = problemsOf(() -> ConfigLoader.load(Optional.of(f), env, flags));

        assertThat(problems).hasSize(8);
        assertThat(String.join("\n", problems))
                .contains(
                        "server.colour",
                        "SLUICE_BOGUS",
                        "server.port",
                        "server.max-body-size",
                        "upstream.url",
                        "timeouts.idle",
                        "log.requests",
                        "server.host \"10.0.0.1\"");
    }

    @Test
    void valueOverriddenByALaterSourceIsNotAnError() throws Exception {
        Path f = file("server.port: not-a-port\n");
        assertThat(ConfigLoader.load(Optional.of(f), Map.of("SLUICE_SERVER_PORT", "9000"), Map.of())
                        .server()
                        .port())
                .isEqualTo(9000);
    }

    @Test
    void fileProblemsAreReported() throws Exception {
        Path missing = dir.resolve("missing.yaml");
        assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(missing), Map.of(), Map.of())))
                .containsExactly("config file " + missing + " does not exist");
        Path twice = file("server.port: 1\nserver:\n  port: 2\n");
        assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(twice), Map.of(), Map.of())))
                .containsExactly("server.port is set twice in config file " + twice + " (lines 1 and 3)");
        Path list = file("- a\n- b\n");
        assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(list), Map.of(), Map.of())))
                .singleElement()
                .asString()
                .contains("must be a map of keys");
        Path broken = file("server:\n  port: [1\n");
        assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(broken), Map.of(), Map.of())))
                .singleElement()
                .asString()
                .contains("is not valid YAML at line");
    }

    @Test
    void emptyFileMeansNoSettings() throws Exception {
        assertThat(ConfigLoader.load(Optional.of(file("# nothing yet\n")), Map.of(), Map.of()))
                .isEqualTo(ConfigLoader.of(Map.of()));
    }

    @Test
    void listForASingleValueKeyIsAnError() throws Exception {
        Path f = file("server:\n  port: [1, 2]\n");
        assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of())))
                .containsExactly("server.port: [\"1\", \"2\"] (from file " + f
                        + ", line 2) is a list, but this key takes a single" + " int 0..65535");
    }

    @Test
    void emptyClientKeyEntryIsAnError() {
        assertThat(problemsOf(() -> ConfigLoader.of(Map.of("auth.api-keys", "a,,b"))))
                .singleElement()
                .asString()
                .contains("auth.api-keys")
                .contains("empty entry (entry 2 of 3)");
    }

    @Test
    void memoryThresholdsOutOfOrderAndAnAdaptiveFloorAboveTheCeilingAreAllReported() {
        assertThatThrownBy(() -> ConfigLoader.of(Map.of(
                        "memory.admit-below",
                        "0.95",
                        "memory.shed-above",
                        "0.9",
                        "admission.limit-algorithm",
                        "gradient2",
                        "admission.min-in-flight",
                        "50",
                        "admission.max-in-flight",
                        "10",
                        "admission.interactive-reserve",
                        "1.5")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .hasSize(3)
                        .anySatisfy(p -> assertThat(p)
                                .contains("memory.admit-below: 0.95", "must be below memory.shed-above 0.9"))
                        .anySatisfy(p -> assertThat(p)
                                .contains("admission.min-in-flight: 50", "above admission.max-in-flight 10"))
                        .anySatisfy(p -> assertThat(p).contains("admission.interactive-reserve", "1.5")));
    }

    @Test
    void aFixedLimitIgnoresTheAdaptiveFloor() throws Exception {
        assertThat(ConfigLoader.of(Map.of("admission.max-in-flight", "4"))
                        .admission()
                        .maxInFlight())
                .isEqualTo(4);
    }
}
