package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.ConfigKey;
import dev.sluice.gateway.config.load.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes holds what an operator applies as is; this checks what can break without a
 * cluster: the kustomization's files, the probes against Sluice's endpoints, the grace period
 * against the drain, the security context, the environment against the config keys, and that the
 * ConfigMap's sluice.yaml loads with the Secret's values supplied by env.
 */
class KubernetesManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** SLUICE_* variables that are not config keys; docs/configuration.md and the launcher name them. */
    private static final Set<String> LAUNCHER_ENV = Set.of("SLUICE_CONFIG", "SLUICE_JAVA_OPTS");
    /** Values the test gives the Secret's keys, as a real Secret would. */
    private static final Map<String, String> SECRET_VALUES = Map.of(
            "store-url", "jdbc:postgresql://postgres:5432/sluice",
            "store-user", "sluice",
            "store-password", "pw-test",
            "redis-url", "redis://redis:6379",
            "admin-key", "admin-test",
            "anthropic-api-key", "sk-ant-test",
            "openai-api-key", "sk-test");

    @Test
    void everyKustomizationListsFilesThatExistAndTheBaseListsEveryManifest() throws Exception {
        for (Path dir : List.of(base(), deploy().resolve("overlays/example"))) {
            JsonNode k = read(dir.resolve("kustomization.yaml"));
            for (JsonNode r : k.path("resources")) {
                Path p = dir.resolve(r.asText()).normalize();
                assertThat(Files.isRegularFile(p) || Files.isRegularFile(p.resolve("kustomization.yaml")))
                        .as(dir + ": resource " + r.asText())
                        .isTrue();
            }
            for (JsonNode patch : k.path("patches")) {
                assertThat(dir.resolve(patch.path("path").asText()))
                        .as(dir + ": patch")
                        .isRegularFile();
            }
        }
        Set<String> listed = new java.util.HashSet<>();
        read(base().resolve("kustomization.yaml")).path("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(base())) {
            List<String> manifests = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml") && !n.equals("secret.example.yaml"))
                    .toList();
            assertThat(listed).containsExactlyInAnyOrderElementsOf(manifests);
        }
        assertThat(listed)
                .as("the Secret is created out of band, never overwritten by the base")
                .doesNotContain("secret.example.yaml");
    }

    @Test
    void probesAskSluicesHealthEndpointsOnTheConfiguredPort() throws Exception {
        JsonNode c = container();
        String docs = Files.readString(repo().resolve("docs/operations.md"));
        assertThat(docs).contains("| `GET /health/live` |", "| `GET /health/ready` |");

        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(c.at("/startupProbe/httpGet/path").asText()).isIn("/health/live", "/health/ready");
        int port = loadedConfig(Path.of(System.getProperty("java.io.tmpdir")))
                .server()
                .port();
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(portNumber(c, c.at("/" + probe + "/httpGet/port")))
                    .as(probe)
                    .isEqualTo(port);
        }
        JsonNode annotations = deployment().at("/spec/template/metadata/annotations");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(port));
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
        assertThat(docs).contains("| `GET /metrics` |");
        JsonNode service = read(base().resolve("service.yaml"));
        assertThat(portNumber(c, service.at("/spec/ports/0/targetPort"))).isEqualTo(port);
    }

    @Test
    void gracePeriodOutlastsPreStopDrainAndCloseStepsAtTheirDefaults() throws Exception {
        SluiceConfig.Shutdown defaults = ConfigLoader.of(Map.of()).shutdown();
        assertThat(defaultOf("shutdown.drain-timeout")).isEqualTo("25s");
        SluiceConfig.Shutdown effective =
                loadedConfig(Path.of(System.getProperty("java.io.tmpdir"))).shutdown();

        long grace = deployment()
                .at("/spec/template/spec/terminationGracePeriodSeconds")
                .asLong();
        long preStop = container().at("/lifecycle/preStop/sleep/seconds").asLong();
        assertThat(preStop).as("preStop sleep").isPositive();
        for (SluiceConfig.Shutdown s : List.of(defaults, effective)) {
            Duration needed = Duration.ofSeconds(preStop)
                    .plus(s.preDrain())
                    .plus(s.drainTimeout())
                    .plus(s.stepTimeout().multipliedBy(5));
            assertThat(Duration.ofSeconds(grace))
                    .as("terminationGracePeriodSeconds")
                    .isGreaterThan(needed);
        }
    }

    @Test
    void runsAsNonRootOnAReadOnlyRootWithWritableEmptyDirs() throws Exception {
        JsonNode pod = deployment().at("/spec/template/spec");
        JsonNode c = container();
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
        assertThat(c.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").isBoolean())
                .isTrue();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean())
                .isFalse();

        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        Map<String, String> emptyDirMounts = new LinkedHashMap<>();
        for (JsonNode m : c.path("volumeMounts")) {
            JsonNode v = volumes.get(m.path("name").asText());
            assertThat(v).as("volume of mount " + m.path("mountPath").asText()).isNotNull();
            if (v.has("emptyDir")) {
                emptyDirMounts.put(m.path("mountPath").asText(), m.path("name").asText());
            }
        }
        assertThat(emptyDirMounts).containsKey("/tmp");
        assertThat(emptyDirMounts)
                .as("the working directory is writable")
                .containsKey(c.path("workingDir").asText());
    }

    @Test
    void heapFollowsTheContainersMemoryLimit() throws Exception {
        JsonNode c = container();
        assertThat(c.at("/resources/limits/memory").asText()).isNotBlank();
        assertThat(c.at("/resources/requests/memory").asText())
                .isEqualTo(c.at("/resources/limits/memory").asText());
        assertThat(c.at("/resources/requests/cpu").asText()).isNotBlank();
        String javaOpts = env(c).get("SLUICE_JAVA_OPTS").path("value").asText();
        assertThat(javaOpts).contains("-XX:MaxRAMPercentage=").doesNotContain("-Xmx");
        String launcher = Files.readString(repo().resolve("sluice"));
        assertThat(launcher)
                .as("the launcher reads it")
                .contains("SLUICE_JAVA_OPTS")
                .doesNotContain("-Xmx");
    }

    @Test
    void everySluiceVariableIsARealConfigKeyOrALauncherVariable() throws Exception {
        Set<String> keyEnv = ConfigLoader.keys().stream().map(ConfigKey::env).collect(Collectors.toSet());
        String docs = Files.readString(repo().resolve("docs/configuration.md"));
        List<String> names = new ArrayList<>(env(container()).keySet());
        assertThat(names).contains("SLUICE_STORE_URL", "SLUICE_REDIS_URL");
        for (String name : names) {
            if (!name.startsWith("SLUICE_")) {
                continue;
            }
            assertThat(keyEnv.contains(name) || LAUNCHER_ENV.contains(name))
                    .as(name)
                    .isTrue();
            assertThat(docs).as("docs/configuration.md names " + name).contains("`" + name + "`");
        }
    }

    @Test
    void secretsComeFromTheSecretAndTheSharedStateIsRequired() throws Exception {
        JsonNode example = read(base().resolve("secret.example.yaml"));
        Set<String> exampleKeys = new java.util.HashSet<>();
        example.path("stringData").fieldNames().forEachRemaining(exampleKeys::add);
        for (Map.Entry<String, JsonNode> e : env(container()).entrySet()) {
            JsonNode ref = e.getValue().at("/valueFrom/secretKeyRef");
            if (ref.isMissingNode()) {
                assertThat(e.getKey()).as("a literal value").doesNotContain("KEY", "PASSWORD", "URL");
                continue;
            }
            assertThat(ref.path("name").asText())
                    .isEqualTo(example.at("/metadata/name").asText());
            assertThat(exampleKeys).as(e.getKey()).contains(ref.path("key").asText());
            assertThat(SECRET_VALUES).containsKey(ref.path("key").asText());
        }
        for (String required :
                List.of("SLUICE_STORE_URL", "SLUICE_STORE_PASSWORD", "SLUICE_REDIS_URL", "SLUICE_AUTH_ADMIN_KEY")) {
            JsonNode ref = env(container()).get(required).at("/valueFrom/secretKeyRef");
            assertThat(ref.path("optional").asBoolean(false))
                    .as(required + ": a pod without it must not start (on SQLite)")
                    .isFalse();
        }
    }

    @Test
    void configMapLoadsForSeveralReplicasWithTheSecretsFromEnv(@TempDir Path dir) throws Exception {
        JsonNode c = container();
        String configPath = env(c).get("SLUICE_CONFIG").path("value").asText();
        JsonNode mount = null;
        for (JsonNode m : c.path("volumeMounts")) {
            if (configPath.equals(m.path("mountPath").asText() + "/sluice.yaml")) {
                mount = m;
            }
        }
        assertThat(mount).as("SLUICE_CONFIG points into the ConfigMap's mount").isNotNull();
        assertThat(configMap().path("data").has("sluice.yaml")).isTrue();

        SluiceConfig config = loadedConfig(dir);

        assertThat(config.store().url()).startsWith("jdbc:postgresql:");
        assertThat(config.redis().url().reveal()).isEqualTo("redis://redis:6379");
        assertThat(config.cache().redisTier()).isTrue();
        assertThat(config.demo().enabled()).isFalse();
        assertThat(config.auth().mode()).isEqualTo(SluiceConfig.AuthMode.KEYS);
        assertThat(config.server().host()).isEqualTo("0.0.0.0");
        assertThat(configMap().path("data").path("sluice.yaml").asText())
                .as("never SQLite on a replica set")
                .doesNotContain("sqlite");
    }

    @Test
    void kustomizeRendersBaseAndOverlay() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl not on PATH");
        for (Path dir : List.of(base(), deploy().resolve("overlays/example"))) {
            Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out)
                    .contains("kind: Deployment", "kind: Service", "kind: PodDisruptionBudget")
                    .contains("kind: HorizontalPodAutoscaler", "kind: ConfigMap")
                    .doesNotContain("kind: Secret");
        }
    }

    /** The ConfigMap's sluice.yaml loaded with the Deployment's env, secret references filled in. */
    private static SluiceConfig loadedConfig(Path dir) throws Exception {
        Path file = Files.createTempFile(dir, "sluice", ".yaml");
        try {
            Files.writeString(file, configMap().path("data").path("sluice.yaml").asText());
            Map<String, String> env = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : env(container()).entrySet()) {
                JsonNode ref = e.getValue().at("/valueFrom/secretKeyRef");
                env.put(
                        e.getKey(),
                        ref.isMissingNode()
                                ? e.getValue().path("value").asText()
                                : SECRET_VALUES.get(ref.path("key").asText()));
            }
            return ConfigLoader.load(Optional.of(file), env, Map.of());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String defaultOf(String key) {
        return ConfigLoader.keys().stream()
                .filter(k -> k.key().equals(key))
                .findFirst()
                .orElseThrow()
                .defaultText();
    }

    private static int portNumber(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + port);
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    private static JsonNode deployment() throws IOException {
        return read(base().resolve("deployment.yaml"));
    }

    private static JsonNode container() throws IOException {
        JsonNode containers = deployment().at("/spec/template/spec/containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static JsonNode configMap() throws IOException {
        return read(base().resolve("configmap.yaml"));
    }

    private static JsonNode read(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, command)));
    }

    private static Path base() {
        return deploy().resolve("base");
    }

    private static Path deploy() {
        return repo().resolve("deploy/kubernetes");
    }

    private static Path repo() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("deploy/kubernetes"))) {
                return d;
            }
        }
        throw new AssertionError("no deploy/kubernetes above " + Path.of("").toAbsolutePath());
    }
}
