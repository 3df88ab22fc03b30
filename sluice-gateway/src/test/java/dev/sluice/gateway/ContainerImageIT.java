package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image ({@code bin/image.sh}, run by sluice-gateway's release profile at package after the release
 * archive): an OCI archive whose layout is read here without any container tool. Checks the image config (User
 * 10001, Entrypoint the launcher, Cmd serve, WorkingDir and Volume /var/lib/sluice, port 8080, no Healthcheck) and
 * the blobs' digests, unpacks the layers into a root file system and checks the runtime, the jars, the launcher and
 * the user. Then, when the test runs as root (chroot and mount namespaces need it), runs the image as a container
 * runtime would, minus the network and PID namespaces: in a private mount namespace ({@code unshare --mount}) the
 * root file system is bind-mounted read-only with tmpfs volumes on /var/lib/sluice and /tmp, and
 * {@code chroot --userspec=10001:10001} starts the config's Entrypoint with {@code serve --demo --port 0} in its
 * WorkingDir with its Env; the image's own java serves /health/ready and a streamed answer on loopback and stops on
 * SIGTERM to its PID. Without root that part skips (under CI=true it fails). A second test runs the archive with
 * podman ({@code oci-archive:}) as a real container: on runc (crun fails on the CI machines), read-only with tmpfs on
 * /tmp and /var/lib/sluice, in the host's network namespace so that the default 127.0.0.1 listener (open auth needs
 * loopback) is reachable, ulimits within the host's hard limits; it checks the user, a streamed answer and a clean
 * exit on {@code podman stop}, then removes the container and the image podman made. Without podman and runc on the
 * PATH that test skips (under CI=true it fails; bin/provision.sh installs them). Run by failsafe in the release
 * profile; without the image both skip, except under CI=true, where they fail.
 */
class ContainerImageIT {
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The bound on each podman command but run and stop. */
    private static final Duration SHORT = Duration.ofSeconds(10);

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
    void imageLayoutConfigAndRootFileSystemRunTheLauncher() throws Exception {
        Path image = image();
        String version = System.getProperty("sluice.project.version");
        Path layout = Files.createDirectory(tmp.resolve("oci"));
        run("tar", "-xf", image.toString(), "-C", layout.toString());
        assertThat(JSON.readTree(layout.resolve("oci-layout").toFile())
                        .path("imageLayoutVersion")
                        .asText())
                .isEqualTo("1.0.0");

        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        assertThat(index.path("manifests")).hasSize(1);
        JsonNode descriptor = index.path("manifests").get(0);
        assertThat(descriptor
                        .path("annotations")
                        .path("org.opencontainers.image.ref.name")
                        .asText())
                .isEqualTo(version);
        JsonNode manifest = JSON.readTree(blob(layout, descriptor).toFile());
        // the media type is on the index's descriptor (umoci leaves the optional one in the manifest out)
        assertThat(descriptor.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(manifest.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.path("config").path("mediaType").asText())
                .isEqualTo("application/vnd.oci.image.config.v1+json");
        JsonNode config = JSON.readTree(blob(layout, manifest.path("config")).toFile());

        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("architecture").asText()).isEqualTo("amd64");
        JsonNode c = config.path("config");
        assertThat(c.path("User").asText()).isEqualTo("10001:10001");
        assertThat(strings(c.path("Entrypoint"))).containsExactly("/opt/sluice/bin/sluice");
        assertThat(strings(c.path("Cmd"))).containsExactly("serve");
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/var/lib/sluice");
        assertThat(c.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(c.path("Volumes").has("/var/lib/sluice")).isTrue();
        assertThat(c.path("Volumes").has("/tmp")).isTrue();
        assertThat(c.has("Healthcheck")).as("no HEALTHCHECK: Kubernetes probes").isFalse();
        List<String> env = strings(c.path("Env"));
        assertThat(env).anyMatch(e -> e.startsWith("PATH="));

        // the layers, in order, into one root file system (no whiteouts: each layer only adds)
        Path rootfs = Files.createDirectory(tmp.resolve("rootfs"));
        List<String> entries = new ArrayList<>();
        long layerBytes = 0;
        for (JsonNode layer : manifest.path("layers")) {
            assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
            Path blob = blob(layout, layer);
            layerBytes += Files.size(blob);
            entries.addAll(List.of(run("tar", "-tzf", blob.toString()).split("\n")));
            run("tar", "--numeric-owner", "-xzf", blob.toString(), "-C", rootfs.toString());
        }
        assertThat(manifest.path("layers")).hasSize(2);
        assertThat(entries).noneMatch(e -> e.contains(".wh."));
        assertThat(entries)
                .anyMatch(e -> e.endsWith("opt/sluice/runtime/bin/java"))
                .anyMatch(e -> e.endsWith("opt/sluice/bin/sluice"))
                .anyMatch(e -> e.matches(".*opt/sluice/lib/sluice-gateway-.*\\.jar"))
                .anyMatch(e -> e.matches(".*opt/sluice/lib/helidon-webserver-.*\\.jar"));
        Path home = rootfs.resolve("opt/sluice");
        assertThat(home.resolve("bin/sluice")).isExecutable();
        assertThat(home.resolve("runtime/bin/java")).isExecutable();
        assertThat(home.resolve("runtime/bin/javac")).doesNotExist();
        assertThat(home.resolve("conf/logging.properties")).isRegularFile();
        assertThat(rootfs.resolve("bin/bash")).exists();
        assertThat(Files.readAllLines(rootfs.resolve("etc/passwd")))
                .anyMatch(l -> l.startsWith("sluice:x:10001:10001:"));
        assertThat(Files.getAttribute(rootfs.resolve("var/lib/sluice"), "unix:uid"))
                .isEqualTo(10001);
        assertThat(Files.getAttribute(home.resolve("lib"), "unix:uid")).isEqualTo(0);
        System.out.printf(
                "container image %d KiB (layers %d KiB compressed), root file system %d KiB%n",
                Files.size(image) / 1024,
                layerBytes / 1024,
                Long.parseLong(run("du", "-sk", rootfs.toString()).split("\\s")[0]));

        boolean root = run("id", "-u").strip().equals("0");
        if (!root && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("not root: cannot chroot into the image's root file system");
        }
        assumeTrue(root, "not root: the image's root file system is not started (chroot needs root)");

        // the image's own java, in its own root file system; with /proc, as in a container: the dynamic loader
        // finds libjli.so through $ORIGIN, which it reads from /proc/self/exe
        String r = rootfs.toString();
        assertThat(run(
                        "unshare",
                        "--mount",
                        "--propagation",
                        "private",
                        "sh",
                        "-c",
                        "mount -t proc proc " + r + "/proc && exec chroot " + r
                                + " /opt/sluice/runtime/bin/java -version"))
                .contains("Runtime Environment");

        // the config's Entrypoint as the config's User, in its WorkingDir, with its Env, on a read-only root with
        // the two volumes as tmpfs; the shell execs unshare's command chain down to java, so the PID is the JVM's
        String mounts = String.join(
                " && ",
                "mount --bind " + r + " " + r,
                "mount -o remount,bind,ro " + r,
                "mount -t tmpfs -o mode=1777 tmpfs " + r + "/tmp",
                "mount -t tmpfs -o uid=10001,gid=10001,mode=750 tmpfs " + r + "/var/lib/sluice",
                "mount -t proc proc " + r + "/proc",
                "exec \"$@\"");
        List<String> command = new ArrayList<>(List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                mounts,
                "sh",
                "chroot",
                "--userspec=10001:10001",
                r,
                "/usr/bin/env",
                "-i",
                "--chdir=" + c.path("WorkingDir").asText()));
        command.addAll(env);
        command.add("HOME=/var/lib/sluice");
        command.addAll(strings(c.path("Entrypoint")));
        command.addAll(List.of(
                "serve",
                "--demo",
                "--port",
                "0",
                "--set",
                "shutdown.pre-drain=0s",
                "--set",
                "shutdown.drain-timeout=2s"));
        sluice = LaunchedSluice.start(new ProcessBuilder(command), "container-image-it-output", STARTUP);
        long pid = sluice.process.pid();
        assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().command()))
                .as("the started PID is the image's java")
                .hasValueSatisfying(cmd -> assertThat(cmd).endsWith("/opt/sluice/runtime/bin/java"));
        assertThat(Files.readString(Path.of("/proc/" + pid + "/status")))
                .as("runs as 10001")
                .containsPattern("(?m)^Uid:\\s+10001\\s");

        HttpResponse<String> answer = sluice.demoStream();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body())
                .contains("event: message_start", "event: message_stop")
                .doesNotContain("event: error");

        // SIGTERM to the JVM's PID
        assertThat(sluice.stop()).as("exited after SIGTERM").isTrue();
        assertThat(sluice.output()).as("nothing written outside the volumes").doesNotContain("Read-only file system");
    }

    /**
     * {@code podman run} of the OCI archive as a container runtime would run it in production: read-only root, the
     * image's two volumes as tmpfs (/var/lib/sluice owned by the image's user), the image's Entrypoint with
     * {@code serve --demo} on a free loopback port (host network: the demo's open auth needs a loopback listener).
     * Ready, a streamed answer, PID 1 running as 10001, and {@code podman stop} (SIGTERM) ending it with exit code
     * 0: Sluice drains, then {@code serve} returns normally. The container and the image podman stored are removed
     * afterwards, whatever happened.
     */
    @Test
    void podmanRunsTheArchiveReadOnlyAsTheImageUserAndStopsCleanly() throws Exception {
        Path image = image().toAbsolutePath();
        boolean tools = installed("podman") && installed("runc");
        if (!tools && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(
                    "podman or runc not on the PATH: cannot run the image (bin/provision.sh installs them)");
        }
        assumeTrue(
                tools,
                "podman or runc not on the PATH: the image is not run with podman (bin/provision.sh installs them)");
        long started = System.nanoTime();
        JsonNode index = JSON.readTree(run("tar", "-xOf", image.toString(), "./index.json"));
        String imageId = configDigest(image, index);
        Path archive = podmanReadable(image, index);
        boolean imageWasStored = podman(SHORT, "image", "exists", imageId).exit() == 0;
        // ulimits within this process's hard limits (the container's default nofile exceeds them on CI machines):
        // open files capped at the kernel's default fs.nr_open, processes at 32768 (podman's cap)
        long nofile = Math.min(hardLimit("Max open files"), 1 << 20);
        long nproc = Math.min(hardLimit("Max processes"), 32768);
        int port = freeLoopbackPort();
        String name = "sluice-container-image-it-" + UUID.randomUUID();
        List<String> command = List.of(
                "podman",
                "run",
                "--runtime",
                "runc",
                "--ulimit",
                "nofile=" + nofile + ":" + nofile,
                "--ulimit",
                "nproc=" + nproc + ":" + nproc,
                "--read-only",
                "--tmpfs",
                "/tmp",
                "--tmpfs",
                "/var/lib/sluice:rw,mode=0700,U",
                "--network=host",
                "--name",
                name,
                "-d",
                "oci-archive:" + archive,
                "serve",
                "--demo",
                "--port",
                String.valueOf(port),
                "--set",
                "shutdown.pre-drain=0s",
                "--set",
                "shutdown.drain-timeout=2s");
        System.out.println("podman: " + String.join(" ", command));
        // bounded: 70 s to run and be ready, 20 s for the answer (Http's timeout), 10 s for each podman command
        // (SHORT), 40 s for the stop; under 2 min unless something hangs in more than one place
        long readyBy = System.nanoTime() + Duration.ofSeconds(70).toNanos();
        try {
            Result run = exec(Duration.ofSeconds(45), command);
            assertThat(run.exit())
                    .as("%s:%n%s", String.join(" ", command), run.output())
                    .isZero();
            URI base = URI.create("http://127.0.0.1:" + port);

            try {
                await().atMost(Duration.ofNanos(Math.max(readyBy - System.nanoTime(), 1_000_000_000L)))
                        .pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions()
                        .until(() -> !running(name)
                                || Http.get(base, "/health/ready").statusCode() == 200);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("not ready on " + base + "; logs:\n" + logs(name), e);
            }
            assertThat(running(name)).as("running; logs:%n%s", logs(name)).isTrue();
            assertThat(Http.get(base, "/health/ready").statusCode())
                    .as("ready; logs:%n%s", logs(name))
                    .isEqualTo(200);
            assertThat(logs(name)).contains("Sluice listening on " + base);

            HttpResponse<String> answer = LaunchedSluice.demoStream(base);
            assertThat(answer.statusCode())
                    .as("%s; logs:%n%s", answer.body(), logs(name))
                    .isEqualTo(200);
            assertThat(answer.body())
                    .as("logs:%n%s", logs(name))
                    .contains("event: message_start", "event: message_stop")
                    .doesNotContain("event: error");

            // PID 1 of the container is the image's java (the launcher execs it), as the image's user
            Result status = podman(SHORT, "exec", name, "cat", "/proc/1/status", "/proc/1/cmdline");
            String pid1 = status.output().replace('\0', ' '); // the cmdline's arguments end with NUL
            assertThat(status.exit()).as(pid1).isZero();
            assertThat(pid1)
                    .as("PID 1 runs as 10001:%n%s", pid1)
                    .containsPattern("(?m)^Uid:\\s+10001\\s+10001\\s+10001\\s+10001$")
                    .containsPattern("(?m)^Gid:\\s+10001\\s+10001\\s+10001\\s+10001$")
                    .contains("/opt/sluice/runtime/bin/java");

            // SIGTERM to PID 1; Sluice drains and serve returns normally: exit code 0 (143 would be an unhandled
            // SIGTERM, 137 podman's SIGKILL after the 30 s)
            Result stop = podman(Duration.ofSeconds(40), "stop", "-t", "30", name);
            assertThat(stop.exit())
                    .as("podman stop: %s; logs:%n%s", stop.output(), logs(name))
                    .isZero();
            Result state = podman(SHORT, "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name);
            String logs = logs(name);
            System.out.printf(
                    "podman: container %s after stop, in %d s%n",
                    state.output().strip(),
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
            assertThat(state.output().strip())
                    .as("exited cleanly on podman stop; logs:%n%s", logs)
                    .isEqualTo("exited 0");
            assertThat(logs).as("nothing written outside the volumes").doesNotContain("Read-only file system");
        } finally {
            Result rm = podman(SHORT, "rm", "-f", "--ignore", name);
            if (rm.exit() != 0) {
                System.out.println("podman rm -f " + name + ": " + rm.output());
            }
            if (!imageWasStored && podman(SHORT, "image", "exists", imageId).exit() == 0) {
                Result rmi = podman(SHORT, "rmi", imageId);
                if (rmi.exit() != 0) {
                    System.out.println("podman rmi " + imageId + ": " + rmi.output());
                }
            }
        }
    }

    private record Result(int exit, String output) {}

    private static Result podman(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return exec(timeout, command);
    }

    /** Runs {@code command} (output and errors merged, into a file: podman's children may keep pipes open). */
    private static Result exec(Duration timeout, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("container-image-it", ".out");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(
                        "no end within " + timeout + ": " + String.join(" ", command) + "\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean running(String id) throws IOException, InterruptedException {
        Result r = podman(SHORT, "inspect", "--format", "{{.State.Running}}", id);
        return r.exit() == 0 && r.output().strip().equals("true");
    }

    private static String logs(String id) throws IOException, InterruptedException {
        return podman(SHORT, "logs", id).output();
    }

    /** Whether {@code tool} is on the PATH or in /usr/sbin and /usr/bin (podman finds runc there without PATH). */
    private static boolean installed(String tool) {
        return Stream.concat(
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)),
                        Stream.of("/usr/sbin", "/usr/bin"))
                .filter(d -> !d.isEmpty())
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    /** A hard limit from /proc/self/limits; Long.MAX_VALUE when unlimited. */
    private static long hardLimit(String limit) {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream()
                    .filter(l -> l.startsWith(limit + " "))
                    .map(l -> l.substring(limit.length()).trim().split("\\s+")[1])
                    .map(v -> v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + limit + " in /proc/self/limits"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The image's ID as podman stores it: the digest of the config the archive's one manifest names. */
    private static String configDigest(Path image, JsonNode index) throws Exception {
        String manifest = index.path("manifests").get(0).path("digest").asText();
        JsonNode m = JSON.readTree(run("tar", "-xOf", image.toString(), "./blobs/sha256/" + manifest.substring(7)));
        String digest = m.path("config").path("digest").asText();
        assertThat(digest).startsWith("sha256:");
        return digest.substring(7);
    }

    /**
     * The archive for {@code podman run oci-archive:}: podman names the image after the index's ref name, as a
     * repository name, which must be lowercase, so a snapshot's ref (0.1.0-SNAPSHOT) makes podman fail with
     * "repository name must be lowercase". For such a ref, a copy of the archive whose index.json has the ref in
     * lowercase: the manifest, config and layers, and so the image ID, are the same.
     */
    private Path podmanReadable(Path image, JsonNode index) throws Exception {
        ObjectNode annotations = (ObjectNode) index.path("manifests").get(0).path("annotations");
        String ref = annotations.path("org.opencontainers.image.ref.name").asText();
        String lower = ref.toLowerCase(Locale.ROOT);
        if (ref.equals(lower)) {
            return image;
        }
        System.out.printf("podman: ref %s is not lowercase; running a copy of the archive with ref %s%n", ref, lower);
        annotations.put("org.opencontainers.image.ref.name", lower);
        Path dir = Files.createDirectory(tmp.resolve("podman-index"));
        JSON.writeValue(dir.resolve("index.json").toFile(), index);
        Path copy = Files.copy(image, tmp.resolve(image.getFileName()));
        run("tar", "--delete", "-f", copy.toString(), "./index.json");
        run("tar", "-rf", copy.toString(), "-C", dir.toString(), "./index.json");
        return copy;
    }

    private static Path image() {
        String property = System.getProperty("sluice.container.image");
        boolean present = property != null && Files.isRegularFile(Path.of(property));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no container image at " + property + " (run ./mvnw verify -Prelease)");
        }
        assumeTrue(present, "no container image at " + property + "; ./mvnw verify -Prelease builds and tests it");
        return Path.of(property);
    }

    /** The blob a descriptor names, after checking its size and sha256 digest. */
    private static Path blob(Path layout, JsonNode descriptor) throws Exception {
        String digest = descriptor.path("digest").asText();
        assertThat(digest).startsWith("sha256:");
        Path blob = layout.resolve("blobs/sha256").resolve(digest.substring(7));
        assertThat(Files.size(blob)).isEqualTo(descriptor.path("size").asLong());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(blob)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        }
        assertThat("sha256:" + HexFormat.of().formatHex(sha.digest())).isEqualTo(digest);
        return blob;
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("%s: %s", String.join(" ", command), output)
                .isZero();
        return output;
    }
}
