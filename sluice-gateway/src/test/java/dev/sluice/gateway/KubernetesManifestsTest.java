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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/kubernetes holds what an operator applies as is: the base (one replica on SQLite) and
 * overlays/shared-state (several on PostgreSQL and Redis). This checks what can break without a
 * cluster, for both: the kustomization's files, the probes against Sluice's endpoints, the grace
 * period against the drain, the security context, the environment against the config keys, and that
 * the ConfigMap's sluice.yaml loads with the Secret's values supplied by env. The overlay is read as
 * {@code kubectl kustomize} renders it (skipped without kubectl); the base from its files otherwise.
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

    private static final String BASE = "base";
    private static final String SHARED = "overlays/shared-state";

    @Test
    void everyKustomizationListsFilesThatExistAndTheBaseListsEveryManifest() throws Exception {
        for (Path dir : List.of(deploy().resolve(BASE), deploy().resolve(SHARED))) {
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
            assertThat(k.toString())
                    .as("the Secret is created out of band, never overwritten by a kustomization")
                    .doesNotContain("secret.example.yaml");
        }
        assertThat(baseFileResources()).containsExactlyInAnyOrderElementsOf(manifestFiles(deploy().resolve(BASE)));
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, SHARED})
    void probesAskSluicesHealthEndpointsOnTheConfiguredPort(String dir) throws Exception {
        Manifests m = Manifests.of(dir);
        JsonNode c = m.container();
        String docs = Files.readString(repo().resolve("docs/operations.md"));
        assertThat(docs).contains("| `GET /health/live` |", "| `GET /health/ready` |");

        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(c.at("/startupProbe/httpGet/path").asText()).isIn("/health/live", "/health/ready");
        int port = m.loadedConfig(tmp()).server().port();
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(portNumber(c, c.at("/" + probe + "/httpGet/port")))
                    .as(probe)
                    .isEqualTo(port);
        }
        JsonNode annotations = m.deployment().at("/spec/template/metadata/annotations");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(port));
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
        assertThat(docs).contains("| `GET /metrics` |");
        assertThat(portNumber(c, m.one("Service").at("/spec/ports/0/targetPort")))
                .isEqualTo(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, SHARED})
    void gracePeriodOutlastsPreStopDrainAndCloseStepsAtTheirDefaults(String dir) throws Exception {
        Manifests m = Manifests.of(dir);
        SluiceConfig.Shutdown defaults = ConfigLoader.of(Map.of()).shutdown();
        assertThat(defaultOf("shutdown.drain-timeout")).isEqualTo("25s");
        SluiceConfig.Shutdown effective = m.loadedConfig(tmp()).shutdown();

        long grace = m.deployment()
                .at("/spec/template/spec/terminationGracePeriodSeconds")
                .asLong();
        long preStop = m.container().at("/lifecycle/preStop/sleep/seconds").asLong();
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

    @ParameterizedTest
    @ValueSource(strings = {BASE, SHARED})
    void runsAsNonRootOnAReadOnlyRootWithAWritableWorkingDirectory(String dir) throws Exception {
        Manifests m = Manifests.of(dir);
        JsonNode pod = m.deployment().at("/spec/template/spec");
        JsonNode c = m.container();
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
        assertThat(c.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").isBoolean())
                .isTrue();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean())
                .isFalse();

        Map<String, JsonNode> mounted = m.mountedVolumes();
        assertThat(mounted.get("/tmp")).isNotNull();
        assertThat(mounted.get("/tmp").has("emptyDir")).isTrue();
        JsonNode work = mounted.get(c.path("workingDir").asText());
        assertThat(work).as("the working directory is a writable volume").isNotNull();
        assertThat(work.has("emptyDir") || work.has("persistentVolumeClaim"))
                .as(work.toString())
                .isTrue();
        assertThat(work.has("emptyDir") && work.has("persistentVolumeClaim"))
                .as("one kind of volume: " + work)
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, SHARED})
    void heapFollowsTheContainersMemoryLimit(String dir) throws Exception {
        JsonNode c = Manifests.of(dir).container();
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

    @ParameterizedTest
    @ValueSource(strings = {BASE, SHARED})
    void everySluiceVariableIsARealConfigKeyOrALauncherVariable(String dir) throws Exception {
        Set<String> keyEnv = ConfigLoader.keys().stream().map(ConfigKey::env).collect(Collectors.toSet());
        String docs = Files.readString(repo().resolve("docs/configuration.md"));
        List<String> names = new ArrayList<>(env(Manifests.of(dir).container()).keySet());
        assertThat(names).contains("SLUICE_AUTH_ADMIN_KEY", "SLUICE_CONFIG");
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

    @ParameterizedTest
    @ValueSource(strings = {BASE, SHARED})
    void secretsComeFromTheSecretItsExampleShows(String dir) throws Exception {
        JsonNode example = read(deploy().resolve(dir).resolve("secret.example.yaml"));
        Set<String> exampleKeys = new java.util.HashSet<>();
        example.path("stringData").fieldNames().forEachRemaining(exampleKeys::add);
        Set<String> referenced = new java.util.HashSet<>();
        for (Map.Entry<String, JsonNode> e : env(Manifests.of(dir).container()).entrySet()) {
            JsonNode ref = e.getValue().at("/valueFrom/secretKeyRef");
            if (ref.isMissingNode()) {
                assertThat(e.getKey()).as("a literal value").doesNotContain("KEY", "PASSWORD", "URL");
                continue;
            }
            assertThat(ref.path("name").asText())
                    .isEqualTo(example.at("/metadata/name").asText());
            assertThat(exampleKeys).as(e.getKey()).contains(ref.path("key").asText());
            assertThat(SECRET_VALUES).containsKey(ref.path("key").asText());
            referenced.add(ref.path("key").asText());
        }
        assertThat(referenced)
                .as("the example names no key the pod ignores")
                .containsExactlyInAnyOrderElementsOf(exampleKeys);
    }

    @Test
    void theBaseIsOneReplicaOnSqliteOnAVolumeThatOutlivesThePod() throws Exception {
        Manifests m = Manifests.of(BASE);
        SluiceConfig config = m.loadedConfig(tmp());
        assertThat(config.store().url()).isEqualTo("jdbc:sqlite:./data/sluice.db");
        assertThat(config.redis().url().reveal()).isEmpty();
        assertThat(config.cache().redisTier()).isFalse();
        commonDeploymentSettings(config);

        assertThat(m.deployment().at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(m.deployment().at("/spec/strategy/type").asText())
                .as("one SQLite writer: the old pod releases the volume before the new one mounts it")
                .isEqualTo("Recreate");
        assertThat(m.one("HorizontalPodAutoscaler").at("/spec/maxReplicas").asInt())
                .isEqualTo(1);
        JsonNode work = m.mountedVolumes().get(m.container().path("workingDir").asText());
        String claim = work.at("/persistentVolumeClaim/claimName").asText();
        JsonNode pvc = m.one("PersistentVolumeClaim");
        assertThat(pvc.at("/metadata/name").asText()).isEqualTo(claim);
        assertThat(pvc.at("/spec/accessModes").toString()).contains("ReadWriteOnce");
    }

    @Test
    void theSharedStateOverlayIsSeveralReplicasOnPostgresAndRedisThatNeedTheirSecrets() throws Exception {
        Manifests m = Manifests.of(SHARED);
        SluiceConfig config = m.loadedConfig(tmp());
        assertThat(config.store().url()).startsWith("jdbc:postgresql:");
        assertThat(config.redis().url().reveal()).isEqualTo("redis://redis:6379");
        assertThat(config.cache().redisTier()).isTrue();
        commonDeploymentSettings(config);
        assertThat(m.one("ConfigMap").path("data").path("sluice.yaml").asText())
                .as("never SQLite on a replica set")
                .doesNotContain("sqlite");

        assertThat(m.deployment().at("/spec/replicas").asInt()).isGreaterThan(1);
        assertThat(m.deployment()
                        .at("/spec/strategy/rollingUpdate/maxUnavailable")
                        .asInt())
                .isZero();
        assertThat(m.one("HorizontalPodAutoscaler").at("/spec/minReplicas").asInt())
                .isGreaterThan(1);
        assertThat(m.all("PersistentVolumeClaim")).isEmpty();
        assertThat(m.mountedVolumes()
                        .get(m.container().path("workingDir").asText())
                        .has("emptyDir"))
                .isTrue();
        for (String required :
                List.of("SLUICE_STORE_URL", "SLUICE_STORE_PASSWORD", "SLUICE_REDIS_URL", "SLUICE_AUTH_ADMIN_KEY")) {
            JsonNode ref = env(m.container()).get(required).at("/valueFrom/secretKeyRef");
            assertThat(ref.isMissingNode()).as(required).isFalse();
            assertThat(ref.path("optional").asBoolean(false))
                    .as(required + ": a pod without it must not start (on SQLite)")
                    .isFalse();
        }
    }

    private static void commonDeploymentSettings(SluiceConfig config) {
        assertThat(config.demo().enabled()).isFalse();
        assertThat(config.auth().mode()).isEqualTo(SluiceConfig.AuthMode.KEYS);
        assertThat(config.server().host()).isEqualTo("0.0.0.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, SHARED})
    void kustomizeRendersEveryKindButTheSecret(String dir) throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl not on PATH");
        String out = kustomize(deploy().resolve(dir));
        assertThat(out)
                .contains("kind: Deployment", "kind: Service", "kind: PodDisruptionBudget")
                .contains("kind: HorizontalPodAutoscaler", "kind: ConfigMap")
                .doesNotContain("kind: Secret");
    }

    /** The objects of a kustomization, as kubectl renders them or, without kubectl, the base's files. */
    private record Manifests(List<JsonNode> objects) {
        static Manifests of(String dir) throws Exception {
            List<JsonNode> objects = new ArrayList<>();
            if (onPath("kubectl")) {
                try (var parser = YAML.getFactory().createParser(kustomize(deploy().resolve(dir)))) {
                    YAML.readValues(parser, JsonNode.class).forEachRemaining(objects::add);
                }
            } else {
                Assumptions.assumeTrue(dir.equals(BASE), "kubectl not on PATH: the overlay is not rendered");
                for (String f : baseFileResources()) {
                    objects.add(read(deploy().resolve(BASE).resolve(f)));
                }
            }
            return new Manifests(objects);
        }

        List<JsonNode> all(String kind) {
            return objects.stream()
                    .filter(o -> o.path("kind").asText().equals(kind))
                    .toList();
        }

        JsonNode one(String kind) {
            List<JsonNode> found = all(kind);
            assertThat(found).as(kind).hasSize(1);
            return found.get(0);
        }

        JsonNode deployment() {
            return one("Deployment");
        }

        JsonNode container() {
            JsonNode containers = deployment().at("/spec/template/spec/containers");
            assertThat(containers).hasSize(1);
            return containers.get(0);
        }

        /** The pod's volumes by the path the container mounts them at. */
        Map<String, JsonNode> mountedVolumes() {
            Map<String, JsonNode> volumes = new LinkedHashMap<>();
            deployment()
                    .at("/spec/template/spec/volumes")
                    .forEach(v -> volumes.put(v.path("name").asText(), v));
            Map<String, JsonNode> mounted = new LinkedHashMap<>();
            for (JsonNode mnt : container().path("volumeMounts")) {
                JsonNode v = volumes.get(mnt.path("name").asText());
                assertThat(v)
                        .as("volume of mount " + mnt.path("mountPath").asText())
                        .isNotNull();
                mounted.put(mnt.path("mountPath").asText(), v);
            }
            return mounted;
        }

        /** The ConfigMap's sluice.yaml loaded with the Deployment's env, secret references filled in. */
        SluiceConfig loadedConfig(Path dir) throws Exception {
            JsonNode c = container();
            String configPath = env(c).get("SLUICE_CONFIG").path("value").asText();
            JsonNode configVolume = mountedVolumes().get(configPath.substring(0, configPath.lastIndexOf('/')));
            assertThat(configVolume)
                    .as("SLUICE_CONFIG points into the ConfigMap's mount")
                    .isNotNull();
            assertThat(configVolume.at("/configMap/name").asText())
                    .isEqualTo(one("ConfigMap").at("/metadata/name").asText());
            Path file = Files.createTempFile(dir, "sluice", ".yaml");
            try {
                Files.writeString(
                        file, one("ConfigMap").path("data").path("sluice.yaml").asText());
                Map<String, String> env = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : env(c).entrySet()) {
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
    }

    private static String kustomize(Path dir) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static List<String> baseFileResources() throws IOException {
        List<String> listed = new ArrayList<>();
        read(deploy().resolve(BASE).resolve("kustomization.yaml"))
                .path("resources")
                .forEach(r -> listed.add(r.asText()));
        return listed;
    }

    private static List<String> manifestFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml") && !n.equals("secret.example.yaml"))
                    .toList();
        }
    }

    private static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
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

    private static JsonNode read(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, command)));
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
