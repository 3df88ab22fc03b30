package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * SIGTERM to its PID. Without root that part skips (under CI=true it fails). Run by failsafe in the release profile;
 * without the image it skips, except under CI=true, where it fails.
 */
class ContainerImageIT {
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

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
