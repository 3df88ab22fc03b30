package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive ({@code bin/release.sh}, run by sluice-gateway's release profile at package) runs without a
 * JDK: unpacked into an empty directory and started as {@code bin/sluice serve --demo} with a PATH holding no
 * {@code java} and no JAVA_HOME, it runs on its bundled jlink runtime, becomes ready and streams an answer, and stops
 * on SIGTERM. Run by failsafe in the release profile ({@code ./mvnw verify -Prelease}, what .ci/run runs); without
 * the archive it skips, except under CI=true, where it fails.
 */
class ReleaseArchiveIT {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private LaunchedSluice sluice;

    @AfterEach
    void killLeftover() throws InterruptedException {
        if (sluice != null) {
            sluice.close();
        }
    }

    @Test
    void unpackedArchiveServesDemoOnItsOwnRuntimeWithNoJdkOnPath() throws Exception {
        Path archive = archive();
        Path unpacked = Files.createDirectory(tmp.resolve("unpacked"));
        run(unpacked, "tar", "-xzf", archive.toString(), "-C", unpacked.toString());
        Path home;
        try (Stream<Path> top = Files.list(unpacked)) {
            List<Path> dirs = top.toList();
            assertThat(dirs).as("one top directory").hasSize(1);
            home = dirs.get(0);
        }
        assertThat(home.getFileName().toString()).isEqualTo("sluice-" + System.getProperty("sluice.project.version"));
        assertThat(home.resolve("bin/sluice")).isExecutable();
        assertThat(home.resolve("runtime/bin/java")).isExecutable();
        assertThat(home.resolve("runtime/bin/javac"))
                .as("a jlink runtime, not a JDK")
                .doesNotExist();
        assertThat(home.resolve("conf/logging.properties")).isRegularFile();
        assertThat(home.resolve("examples/claude-code-via-openai.yaml")).isRegularFile();
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("sluice-gateway-"))
                    .anyMatch(n -> n.startsWith("helidon-webserver-"));
        }
        String modules = Files.readAllLines(home.resolve("runtime/release")).stream()
                .filter(l -> l.startsWith("MODULES="))
                .findFirst()
                .orElseThrow();
        assertThat(modules).contains("java.base", "jdk.management").doesNotContain("jdk.compiler", "jdk.jshell");
        System.out.printf(
                "release archive %d KiB, runtime %d KiB unpacked (%s)%n",
                Files.size(archive) / 1024, sizeKiB(home.resolve("runtime")), modules);

        // PATH: only what bin/sluice runs (bash through /usr/bin/env, dirname, readlink), no java anywhere on it
        Path tools = Files.createDirectory(tmp.resolve("tools"));
        for (String tool : List.of("bash", "dirname", "readlink")) {
            Files.createSymbolicLink(tools.resolve(tool), onPath(tool));
        }
        assertThat(tools.resolve("java")).doesNotExist();
        Path workDir = Files.createDirectory(tmp.resolve("work")); // ./data/sluice.db lands here

        ProcessBuilder pb = new ProcessBuilder(
                        home.resolve("bin/sluice").toString(),
                        "serve",
                        "--demo",
                        "--port",
                        "0",
                        "--set",
                        "shutdown.pre-drain=0s",
                        "--set",
                        "shutdown.drain-timeout=2s")
                .directory(workDir.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", tools.toString());
        env.put("HOME", workDir.toString());
        long started = System.nanoTime();
        sluice = LaunchedSluice.start(pb, "release-archive-it-output", STARTUP);
        long readyMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.printf("ready in %d ms after start%n", readyMillis);

        long pid = sluice.process.pid(); // bin/sluice execs java, so this is the JVM
        String bundledJava = home.resolve("runtime/bin/java").toRealPath().toString();
        assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().command()))
                .as("runs on the bundled runtime")
                .hasValue(bundledJava);

        HttpResponse<String> answer = sluice.demoStream();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        assertThat(answer.body())
                .contains("event: message_start", "\"type\":\"text_delta\"", "event: message_stop")
                .doesNotContain("event: error");

        // SIGTERM to that PID: Sluice shuts down and the JVM exits
        assertThat(sluice.stop()).as("exited after SIGTERM").isTrue();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(accepts(sluice.port())).isFalse();
    }

    private static Path archive() {
        String property = System.getProperty("sluice.release.archive");
        boolean present = property != null && Files.isRegularFile(Path.of(property));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no release archive at " + property + " (run ./mvnw verify -Prelease)");
        }
        assumeTrue(present, "no release archive at " + property + "; ./mvnw verify -Prelease builds and tests it");
        return Path.of(property);
    }

    private static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(tool + " not on PATH");
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    private static long sizeKiB(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                            .mapToLong(p -> {
                                try {
                                    return Files.size(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            })
                            .sum()
                    / 1024;
        }
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
