package dev.sluice.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real {@code sluice} process: what it prints, and that SIGTERM runs the shutdown hook and ends it. */
class CliProcessTest {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");

    private Process process;
    private final StringBuffer out = new StringBuffer();

    @AfterEach
    void killLeftover() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void serveDemoPrintsWhereItListensAndStopsGracefullyOnSigterm() throws Exception {
        start("serve", "--demo", "--port", "0", "--set", "shutdown.pre-drain=0s", "--set", "shutdown.drain-timeout=2s");

        String line = awaitLine("Sluice listening on ");
        assertThat(line)
                .matches("Sluice listening on http://127\\.0\\.0\\.1:\\d+ \\(demo mode: built-in fake provider\\)");
        int port = portIn(line);
        assertThat(accepts(port)).isTrue();

        process.destroy(); // SIGTERM: the sluice-shutdown hook closes Sluice, then the JVM exits
        assertThat(process.waitFor(30, TimeUnit.SECONDS))
                .as("exited after SIGTERM")
                .isTrue();
        assertThat(accepts(port)).isFalse();
    }

    @Test
    void serveWithBadConfigExitsTwoListingTheProblems() throws Exception {
        start("serve", "--port", "http", "--set", "timeouts.idle=1 minute");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(out.toString())
                .contains("server.port: \"http\" (from command line)")
                .contains("timeouts.idle: \"1 minute\" (from command line)")
                .doesNotContain("\tat ");
    }

    @Test
    void mockPrintsItsBaseUriAndStopsOnSigterm() throws Exception {
        start("mock", "--port", "0");

        String line = awaitLine("Fake provider listening on ");
        int port = portIn(line);
        assertThat(accepts(port)).isTrue();

        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS))
                .as("exited after SIGTERM")
                .isTrue();
        assertThat(accepts(port)).isFalse();
    }

    private void start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current()
                        .info()
                        .command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                                .toString()),
                "-cp",
                System.getProperty("java.class.path"),
                SluiceCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SLUICE_") || k.equals("ANTHROPIC_API_KEY"));
        process = pb.start();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String l = r.readLine(); l != null; l = r.readLine()) {
                            out.append(l).append('\n');
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                },
                "cli-process-test-output");
        reader.setDaemon(true);
        reader.start();
    }

    private String awaitLine(String prefix) {
        await().atMost(STARTUP).until(() -> out.toString().contains(prefix) || !process.isAlive());
        return out.toString()
                .lines()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting \"" + prefix + "\" in:\n" + out));
    }

    private static int portIn(String line) {
        Matcher m = URL.matcher(line);
        assertThat(m.find()).as("a URL in " + line).isTrue();
        assertThat(URI.create(m.group())).isNotNull();
        return Integer.parseInt(m.group(1));
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
