package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Codex CLI (pinned in src/test/clients/package-lock.json, installed with {@code npm ci} when
 * missing) runs {@code codex exec} through Sluice's {@code /v1/responses} against the fake provider's
 * scripted tool loop: the fake calls Codex's shell tool {@code exec_command} with the prompt's {@code run:}
 * command, Codex runs it in a throwaway working directory and sends the output back, the fake answers
 * {@code tool said: <output>}. One Sluice per upstream dialect, each sending every model to the fake
 * ({@code routing.default-provider}): Anthropic, OpenAI Chat Completions and Ollama (translated, with
 * {@code responses.omit-unsupported-tools} for Codex's {@code web_search} and {@code namespace} tools), and
 * OpenAI with {@code native-responses: true} (passed through). Codex is configured as docs/codex-recipe.md
 * says: a throwaway CODEX_HOME whose config.toml points a {@code responses} provider at Sluice with no
 * retries and no plugin sync, a throwaway HOME, a cleared environment, every proxy variable at a closed
 * port. More runs per dialect use the fake's fault models whose streams break halfway ({@code stream-error}: the
 * dialect's in-band error; {@code malformed}: a frame that is not JSON; {@code stream-cut}: the connection
 * closed): Codex must fail with Sluice's error ({@code response.failed}, or an HTTP 502 when the stream broke
 * before Sluice sent anything), print no answer, and run nothing. ({@code no-terminator} is left out: a stream
 * ending cleanly after its finish reason is a completed answer by design, see UpstreamFailureOutcomesTest.)
 * Skipped when node or npm is missing, except under CI=true.
 */
@LeakChecked
class CodexCliTest {

    static final int RUN_SECONDS = 60;
    static final String MODEL = "sluice-test-model";
    static final String CLOSED_PORT_PROXY = "http://127.0.0.1:9";

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(4));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension ANTHROPIC = sluice("anthropic", "{fake}");

    @RegisterExtension
    @Order(3)
    static final SluiceExtension OPENAI = sluice("openai", "{fake}/v1");

    @RegisterExtension
    @Order(4)
    static final SluiceExtension OLLAMA = sluice("ollama", "{fake}");

    @RegisterExtension
    @Order(5)
    static final SluiceExtension NATIVE = sluice("openai", "{fake}/v1", "providers.p.native-responses", "true");

    private static final Map<String, SluiceExtension> BY_DIALECT =
            Map.of("anthropic", ANTHROPIC, "openai", OPENAI, "ollama", OLLAMA, "native", NATIVE);
    /** The path each dialect's upstream request takes at the fake. */
    private static final Map<String, String> UPSTREAM_PATH = Map.of(
            "anthropic",
            "/v1/messages",
            "openai",
            "/v1/chat/completions",
            "ollama",
            "/api/chat",
            "native",
            "/v1/responses");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger ACCESS = Logger.getLogger("sluice.access");
    private static final AccessLogTap ACCESS_TAP = new AccessLogTap();
    private static final ConcurrentLinkedQueue<String> ACCESS_LINES = ACCESS_TAP.lines;

    private static Path codex;

    /** A Sluice whose one provider {@code p} of {@code kind} at {@code url} serves every model. */
    private static SluiceExtension sluice(String kind, String url, String... more) {
        List<String> s = new ArrayList<>(List.of(
                "auth.api-keys",
                SluiceExtension.CLIENT_KEY,
                "providers.p.kind",
                kind,
                "providers.p.url",
                url,
                "providers.p.api-keys",
                SluiceExtension.UPSTREAM_KEY,
                "routing.default-provider",
                "p",
                "responses.omit-unsupported-tools",
                "true"));
        s.addAll(List.of(more));
        return SluiceExtension.against(FAKE, s.toArray(String[]::new));
    }

    @BeforeAll
    static void installCodex() throws Exception {
        codex = NodeClients.codex(NodeClients.installed());
        ACCESS.addHandler(ACCESS_TAP);
    }

    @AfterAll
    static void untap() {
        ACCESS.removeHandler(ACCESS_TAP);
    }

    @ParameterizedTest(name = "{0} upstream")
    @ValueSource(strings = {"anthropic", "openai", "ollama", "native"})
    void codexRunsAShellToolLoopThroughSluice(String dialect) throws Exception {
        SluiceExtension sluice = BY_DIALECT.get(dialect);
        String tag = "sluice-codex-" + dialect;
        Path root = Files.createTempDirectory("codex-run");
        try {
            Path work = Files.createDirectories(root.resolve("work"));
            long before = FAKE.provider().exchangesStarted();
            JsonNode statsBefore = stats(sluice);
            ACCESS_TAP.clearWhenQuiet(ANTHROPIC, OPENAI, OLLAMA, NATIVE);

            Run run = codex(
                    root,
                    sluice,
                    MODEL,
                    "Write the marker file, then tell me what it holds.\nrun: echo " + tag
                            + " > out.txt && cat out.txt");

            assertThat(run.exit).as(run.describe()).isZero();
            assertThat(work.resolve("out.txt"))
                    .as("the file the shell command wrote")
                    .hasContent(tag);
            assertThat(run.stdout).as(run.describe()).contains("tool said:").contains(tag);

            AccessLogTap.awaitWritten(sluice);
            List<String> lines = List.copyOf(ACCESS_LINES);
            assertThat(lines)
                    .as("Sluice's access log during the run")
                    .hasSize(2)
                    .allSatisfy(line -> assertThat(line)
                            .contains(" method=POST route=/v1/responses status=200 ")
                            .contains(" stream=true ")
                            .contains(" model=" + MODEL + " ")
                            .contains("outcome=SUCCESS"));
            JsonNode statsAfter = stats(sluice);
            assertThat(statsAfter.path("requests").path("errors").asLong())
                    .isEqualTo(statsBefore.path("requests").path("errors").asLong());
            assertThat(statsAfter.path("requests").path("total").asLong()
                            - statsBefore.path("requests").path("total").asLong())
                    .isEqualTo(2);

            List<RecordedRequest> recorded = since(before);
            assertThat(recorded)
                    .as("requests the fake got")
                    .hasSize(2)
                    .allSatisfy(r -> assertThat(r.path()).isEqualTo(UPSTREAM_PATH.get(dialect)));
            assertThat(recorded.get(0).body())
                    .as("the first request offers the shell tool")
                    .contains("\"exec_command\"")
                    .contains("run: echo " + tag);
            assertThat(recorded.get(0).body()).as("no tool output yet").doesNotContain("Process exited with code");
            String second = recorded.get(1).body();
            assertThat(second)
                    .as("the second request carries the tool output")
                    .contains("Process exited with code 0")
                    .contains(tag + "\\n");
            JsonNode secondBody = JSON.readTree(second);
            switch (dialect) {
                case "native" -> {
                    assertThat(secondBody.path("tools").toString())
                            .as("a native provider gets every tool")
                            .contains("\"web_search\"")
                            .contains("\"namespace\"");
                    assertThat(secondBody.path("input").toString()).contains("\"function_call_output\"");
                }
                case "anthropic" ->
                    assertThat(second).contains("\"tool_result\"").doesNotContain("web_search");
                default -> assertThat(second).contains("\"role\":\"tool\"").doesNotContain("web_search");
            }
        } finally {
            deleteTree(root);
        }
    }

    static Stream<Arguments> brokenStreams() {
        return Stream.of("anthropic", "openai", "ollama", "native")
                .flatMap(dialect -> Stream.of(
                        Arguments.of(dialect, "stream-error"),
                        Arguments.of(dialect, "malformed"),
                        Arguments.of(dialect, "stream-cut")));
    }

    @ParameterizedTest(name = "{0} upstream, fault {1}")
    @MethodSource("brokenStreams")
    void aBrokenUpstreamStreamFailsCodexWithSluicesError(String dialect, String fault) throws Exception {
        SluiceExtension sluice = BY_DIALECT.get(dialect);
        String tag = "sluice-codex-fail-" + dialect;
        String model = "fault-" + fault;
        Path root = Files.createTempDirectory("codex-run");
        try {
            Path work = Files.createDirectories(root.resolve("work"));
            long before = FAKE.provider().exchangesStarted();
            ACCESS_TAP.clearWhenQuiet(ANTHROPIC, OPENAI, OLLAMA, NATIVE);

            Run run = codex(
                    root, sluice, model, "Write the marker file.\nrun: echo " + tag + " > out.txt && cat out.txt");

            assertThat(run.exit).as(run.describe()).isNotZero();
            assertThat(run.stdout).as("no answer on stdout: " + run.describe()).doesNotContain("tool said:");
            assertThat(work.resolve("out.txt"))
                    .as("the broken call ran nothing")
                    .doesNotExist();
            // mid-stream, Sluice ends with response.failed; a failure before Sluice sent its headers is an HTTP error
            // (the Ollama tool-call stream is cut before any event reaches the client)
            assertThat(run.stderr)
                    .as(run.describe())
                    .containsAnyOf(
                            "stream disconnected before completion: ",
                            "unexpected status 502 Bad Gateway: upstream p/" + model + ": ");
            if (fault.equals("stream-error")) {
                assertThat(run.stderr).as(run.describe()).contains("fake internal server error");
            }
            AccessLogTap.awaitWritten(sluice);
            List<String> lines = List.copyOf(ACCESS_LINES);
            assertThat(lines)
                    .as("Sluice's access log during the run: one request, Codex retries nothing")
                    .hasSize(1);
            assertThat(lines.get(0))
                    .contains(" route=/v1/responses ")
                    .contains(" model=" + model + " ")
                    .contains(" outcome=FAILURE ");
            if (dialect.equals("ollama")) {
                // the Ollama tool-call stream breaks before any content reached Codex, so the break is retried once
                // on the same target (routing.same-target-retries) before Sluice gives up
                assertThat(since(before))
                        .as("one same-target retry while nothing reached the client: " + lines)
                        .hasSize(2);
            } else if (lines.get(0).contains(" status=200 ")) {
                assertThat(since(before))
                        .as("one upstream attempt once content was sent (one target: nothing to continue on)")
                        .hasSize(1);
            } else { // Sluice may retry an upstream failure before it sent its first byte
                assertThat(lines.get(0)).contains(" status=502 ");
                assertThat(since(before)).as("upstream attempts").isNotEmpty();
            }
        } finally {
            deleteTree(root);
        }
    }

    private record Run(int exit, String stdout, String stderr) {
        String describe() {
            return "codex exit " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /**
     * Runs {@code codex exec} with {@code prompt} in {@code root}/work, CODEX_HOME and HOME under {@code root},
     * nothing but Sluice reachable; kills its process tree after {@value #RUN_SECONDS} s.
     */
    private static Run codex(Path root, SluiceExtension sluice, String model, String prompt) throws Exception {
        Path home = Files.createDirectories(root.resolve("home"));
        Path codexHome = Files.createDirectories(root.resolve("codex-home"));
        Path work = root.resolve("work");
        Files.writeString(codexHome.resolve("config.toml"), config(sluice, model));
        Path out = root.resolve("stdout.txt");
        Path err = root.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(
                        codex.toString(), "exec", "--skip-git-repo-check", "--strict-config", "--ephemeral", prompt)
                .directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString());
        env.put("CODEX_HOME", codexHome.toString());
        env.put("TMPDIR", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("SLUICE_API_KEY", SluiceExtension.CLIENT_KEY);
        for (String proxy :
                List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")) {
            env.put(proxy, CLOSED_PORT_PROXY);
        }
        env.put("NO_PROXY", "127.0.0.1,localhost");
        env.put("no_proxy", "127.0.0.1,localhost");
        Process p = pb.start();
        if (!p.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("codex did not finish in " + RUN_SECONDS + " s\nstdout: " + Files.readString(out)
                    + "\nstderr: " + Files.readString(err));
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly); // nothing it started may outlive it
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** docs/codex-recipe.md's config.toml: a Responses provider at Sluice's /v1, no retries, no plugin sync. */
    private static String config(SluiceExtension sluice, String model) {
        String base = sluice.baseUri().toString().replaceAll("/$", "") + "/v1";
        return """
                model = "%s"
                model_provider = "sluice"
                approval_policy = "never"
                sandbox_mode = "danger-full-access"
                check_for_update_on_startup = false

                [model_providers.sluice]
                name = "Sluice"
                base_url = "%s"
                wire_api = "responses"
                env_key = "SLUICE_API_KEY"
                request_max_retries = 0
                stream_max_retries = 0
                stream_idle_timeout_ms = 20000

                [analytics]
                enabled = false

                [feedback]
                enabled = false

                [features]
                plugins = false
                """.formatted(model, base);
    }

    private static JsonNode stats(SluiceExtension sluice) throws Exception {
        return JSON.readTree(Http.get(sluice.baseUri(), "/system/stats").body());
    }

    /** The requests the fake got since it had started {@code before} exchanges. */
    private static List<RecordedRequest> since(long before) {
        List<RecordedRequest> recent = FAKE.provider().recentRequests();
        int n = (int) Math.min(recent.size(), FAKE.provider().exchangesStarted() - before);
        return recent.subList(recent.size() - n, recent.size());
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
