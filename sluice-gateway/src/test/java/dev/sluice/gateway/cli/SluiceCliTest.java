package dev.sluice.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.config.load.ConfigLoader;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SluiceCliTest {
    @TempDir
    Path dir;

    @Test
    void versionPrintsSluiceAndTheVersion() {
        CliRun r = CliRun.run(Map.of(), dir, "version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).matches("sluice \\S+\\R");
        assertThat(CliRun.run(Map.of(), dir, "--version").out()).isEqualTo(r.out());
    }

    @Test
    void serveWithBadConfigExitsTwoBeforeStartingAnything() {
        CliRun r = CliRun.run(Map.of("SLUICE_SERVER_PORT", "x"), dir, "serve", "--host", "0.0.0.0", "--port", "-5");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .contains("server.port: \"-5\" (from command line)")
                .contains("server.host \"0.0.0.0\" (from command line)")
                .doesNotContain("Exception");
    }

    @Test
    void serveFlagsWinOverSet() {
        ServeCommand serve = new ServeCommand(null);
        serve.port = "1234";
        serve.demo = true;
        assertThat(serve.flags()).containsExactly(Map.entry("server.port", "1234"), Map.entry("demo.mode", "on"));
    }

    @Test
    void listeningLineNamesTheUpstreamOrDemoMode() throws Exception {
        URI base = URI.create("http://127.0.0.1:8080");
        assertThat(ServeCommand.listening(base, ConfigLoader.of(Map.of())))
                .isEqualTo("Sluice listening on http://127.0.0.1:8080 (demo mode: built-in fake provider)");
        assertThat(ServeCommand.listening(base, ConfigLoader.of(Map.of("upstream.url", "http://localhost:9/v"))))
                .isEqualTo("Sluice listening on http://127.0.0.1:8080 -> default (anthropic http://localhost:9/v)");
    }

    @Test
    void noCommandPrintsUsageAndExitsTwo() {
        CliRun r = CliRun.run(Map.of(), dir);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("serve", "mock", "config", "version");
    }
}
