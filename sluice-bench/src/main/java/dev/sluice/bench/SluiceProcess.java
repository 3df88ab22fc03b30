package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sluice in its own JVM ({@code SluiceCli serve} on this JVM's class path), so that its heap, RSS,
 * threads and file descriptors are its own and not the load generator's or the fake provider's.
 * Listens on 127.0.0.1 only; its output goes to a log file next to its SQLite store.
 */
final class SluiceProcess implements AutoCloseable {
    static final String ADMIN_KEY = "bench-admin";
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final URI base;
    private final Path dir;
    private final List<String> jvmFlags;
    private String cpus = "";
    private final Map<String, String> settings;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private SluiceProcess(Process process, URI base, Path dir, List<String> jvmFlags, Map<String, String> settings) {
        this.process = process;
        this.base = base;
        this.dir = dir;
        this.jvmFlags = jvmFlags;
        this.settings = settings;
    }

    /**
     * Starts Sluice with {@code jvmFlags} and {@code settings} (passed as {@code --set key=value}, after
     * the bench's own: a free loopback port, demo off, request log off, an admin key, a temporary
     * SQLite store) and waits until {@code /health/ready} answers 200.
     */
    static SluiceProcess start(List<String> jvmFlags, Map<String, String> settings)
            throws IOException, InterruptedException {
        return start(jvmFlags, settings, "");
    }

    /** As {@link #start(List, Map)}, pinned to {@code cpus} ({@code taskset -c} list, e.g. {@code 1}) unless empty. */
    static SluiceProcess start(List<String> jvmFlags, Map<String, String> settings, String cpus)
            throws IOException, InterruptedException {
        return start(jvmFlags, settings, cpus, false);
    }

    /**
     * As {@link #start(List, Map, String)}; with {@code bare}, the process is {@link BareRelay} to the
     * settings' {@code upstream.url} instead of Sluice (the floor a profile compares Sluice with).
     */
    static SluiceProcess start(List<String> jvmFlags, Map<String, String> settings, String cpus, boolean bare)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("sluice-bench-sluice");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("server.host", "127.0.0.1");
        all.put("demo.mode", "off");
        all.put("log.requests", "false");
        all.put("auth.admin-key", ADMIN_KEY);
        all.put("shutdown.pre-drain", "0");
        all.put("store.url", "jdbc:sqlite:" + dir.resolve("sluice.db"));
        all.putAll(settings);
        List<String> cmd = new ArrayList<>();
        if (!cpus.isEmpty()) {
            cmd.addAll(List.of("taskset", "-c", cpus)); // taskset execs java: the process is the JVM
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        String logging = System.getProperty("java.util.logging.config.file");
        if (logging != null) {
            cmd.add("-Djava.util.logging.config.file=" + logging);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        String upstream = all.get("upstream.url");
        if (bare && upstream == null) {
            throw new IllegalArgumentException("the bare relay needs upstream.url in the settings");
        }
        if (bare) {
            cmd.addAll(List.of(BareRelay.class.getName(), "--port", Integer.toString(port), "--upstream", upstream));
        } else {
            cmd.addAll(List.of("dev.sluice.gateway.cli.SluiceCli", "serve", "--port", Integer.toString(port)));
            all.forEach((k, v) -> cmd.addAll(List.of("--set", k + "=" + v)));
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sluice.log").toFile())
                    .start();
        } catch (IOException e) {
            deleteQuietly(dir);
            throw e;
        }
        SluiceProcess sluice =
                new SluiceProcess(p, URI.create("http://127.0.0.1:" + port), dir, List.copyOf(jvmFlags), all);
        sluice.cpus = cpus;
        try {
            sluice.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            sluice.printLogTail(40);
            sluice.close();
            throw e;
        }
        return sluice;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Sluice exited with " + process.exitValue() + " while starting; see " + log());
            }
            try {
                if (get("/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IOException("Sluice not ready after " + START_TIMEOUT + "; see " + log());
    }

    /** Prints the last {@code lines} lines of Sluice's output to stderr (its files are deleted on close). */
    void printLogTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log());
            System.err.println("sluice-bench: the end of Sluice's output:");
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> System.err.println("  | " + l));
        } catch (IOException e) {
            System.err.println("sluice-bench: could not read " + log() + ": " + e.getMessage());
        }
    }

    URI baseUri() {
        return base;
    }

    /** The CPUs it is pinned to ({@code taskset -c} list), empty when not pinned. */
    String cpus() {
        return cpus;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return dir.resolve("sluice.log");
    }

    List<String> jvmFlags() {
        return jvmFlags;
    }

    /** Every setting passed with --set, in order. */
    Map<String, String> settings() {
        return settings;
    }

    /** Sluice's {@code /system/stats}. */
    JsonNode stats() throws IOException, InterruptedException {
        HttpResponse<String> res = get("/system/stats");
        if (res.statusCode() != 200) {
            throw new IOException("/system/stats: HTTP " + res.statusCode());
        }
        return JSON.readTree(res.body());
    }

    /** Runs a full GC in Sluice ({@code POST /system/gc}) and returns the post-GC old-generation floor in bytes. */
    long gcFloorBytes() throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(
                HttpRequest.newBuilder(base.resolve("/system/gc"))
                        .timeout(Duration.ofSeconds(30))
                        .header("x-api-key", ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("/system/gc: HTTP " + res.statusCode() + " " + res.body());
        }
        return JSON.readTree(res.body()).path("floorBytesAfter").asLong(-1);
    }

    /** RSS, threads and file descriptors of the Sluice process, from /proc. */
    ProcStats.Sample proc() {
        return ProcStats.of(process.pid());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Stops Sluice (SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}) and deletes its files. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                System.err.println("sluice-bench: Sluice did not stop within " + STOP_TIMEOUT + "; killing it");
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            http.close();
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("sluice-bench: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
