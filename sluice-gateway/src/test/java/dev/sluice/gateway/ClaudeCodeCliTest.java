package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real Claude Code CLI (pinned in src/test/clients/package-lock.json, installed with {@code npm ci}
 * when missing) runs a one-shot prompt through Sluice with the Bash tool allowed, against the fake
 * provider's scripted tool loop: the fake calls Bash with the prompt's {@code run:} command, Claude Code
 * runs it in a throwaway working directory and sends the result back, the fake answers
 * {@code tool said: <output>}. One Sluice per provider kind, each sending every model to the fake in
 * that kind ({@code routing.default-provider}); each kind is run with Claude Code's default model and
 * with a Haiku model. Claude Code can reach nothing but Sluice: a throwaway HOME, a cleared
 * environment, every proxy variable pointing at a closed port. Skipped when node or npm is missing,
 * except under CI=true.
 *
 * <p>Two more runs go through routes with a fallback. The pinned Claude Code offers no setting that turns
 * streaming off (its binary names {@code CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK}, nothing that disables
 * streaming): it streams every request, and retries a request without streaming when the stream breaks.
 * So the non-streaming run breaks its streams: the route's first target is the fake's {@code fault-malformed}
 * model, whose stream carries a frame that is not JSON halfway and whose whole answer is not JSON, so Claude
 * Code's non-streaming retry is answered by Sluice's fallback target. The other run's first target is a
 * provider at a closed loopback port. Access log lines name the targets tried; as Claude Code does not show
 * response headers, {@code x-sluice-target} is checked by replaying the recorded Claude Code request
 * (src/test/resources/client-requests/) with the JDK client, streamed and whole, on the same routes.
 * Claude Code sends {@code X-Claude-Code-Session-Id}, and a session sticks to the target rendezvous hashing
 * picks even on a {@code fallback} route, so these runs send {@code x-session-id: }{@value #FIRST_TARGET_SESSION}
 * (through {@code ANTHROPIC_CUSTOM_HEADERS}), a key that hashes to the first target on both routes.
 */
@LeakChecked
class ClaudeCodeCliTest {

    static final String HAIKU = "claude-haiku-4-5";
    static final int RUN_SECONDS = 60;
    static final String CLOSED_PORT_PROXY = "http://127.0.0.1:9";
    /** A session key whose rendezvous hash puts the first target first on both fallback routes below. */
    static final String FIRST_TARGET_SESSION = "sluice-cli-session-1";

    static final Map<String, String> FIRST_TARGET_HEADERS =
            Map.of("ANTHROPIC_CUSTOM_HEADERS", "x-session-id: " + FIRST_TARGET_SESSION);

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
    static final SluiceExtension AZURE = sluice("azure-openai", "{fake}", "providers.p.api-version", "2024-10-21");

    @RegisterExtension
    @Order(5)
    static final SluiceExtension OLLAMA = sluice("ollama", "{fake}");

    @RegisterExtension
    @Order(6)
    static final SluiceExtension OPENROUTER = sluice("openrouter", "{fake}/v1");

    @RegisterExtension
    @Order(7)
    static final SluiceExtension DATABRICKS = sluice("databricks", "{fake}");

    /** Haiku's route: a model whose streams break and whose whole answers are not JSON, then a good one. */
    @RegisterExtension
    @Order(8)
    static final SluiceExtension BROKEN_STREAMS = SluiceExtension.against(
            FAKE,
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "providers.p.kind",
            "anthropic",
            "providers.p.url",
            "{fake}",
            "providers.p.api-keys",
            SluiceExtension.UPSTREAM_KEY,
            "routes." + HAIKU + ".targets",
            "p:fault-malformed,p:" + HAIKU);

    /** Haiku's route: an Anthropic provider at a closed port, then the fake in the OpenAI dialect. */
    @RegisterExtension
    @Order(9)
    static final SluiceExtension DEAD_FIRST = SluiceExtension.against(
            FAKE,
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "providers.dead.kind",
            "anthropic",
            "providers.dead.url",
            "http://127.0.0.1:9",
            "providers.dead.api-keys",
            SluiceExtension.UPSTREAM_KEY,
            "providers.p.kind",
            "openai",
            "providers.p.url",
            "{fake}/v1",
            "providers.p.api-keys",
            SluiceExtension.UPSTREAM_KEY,
            "routes." + HAIKU + ".targets",
            "dead:" + HAIKU + ",p:" + HAIKU);

    private static final Map<String, SluiceExtension> BY_KIND = Map.of(
            "anthropic",
            ANTHROPIC,
            "openai",
            OPENAI,
            "azure-openai",
            AZURE,
            "ollama",
            OLLAMA,
            "openrouter",
            OPENROUTER,
            "databricks",
            DATABRICKS);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger ACCESS = Logger.getLogger("sluice.access");
    private static final AccessLogTap ACCESS_TAP = new AccessLogTap();
    private static final ConcurrentLinkedQueue<String> ACCESS_LINES = ACCESS_TAP.lines;

    private static Path claude;

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
                "p"));
        s.addAll(List.of(more));
        return SluiceExtension.against(FAKE, s.toArray(String[]::new));
    }

    @BeforeAll
    static void installClaudeCode() throws Exception {
        claude = NodeClients.installed().resolve("node_modules/.bin/claude");
        ACCESS.addHandler(ACCESS_TAP);
    }

    @AfterAll
    static void untap() {
        ACCESS.removeHandler(ACCESS_TAP);
    }

    static Stream<Arguments> runs() {
        return Stream.of("anthropic", "openai", "azure-openai", "ollama", "openrouter", "databricks")
                .flatMap(kind -> Stream.of(Arguments.of(kind, "default"), Arguments.of(kind, HAIKU)));
    }

    @ParameterizedTest(name = "{0} provider, model {1}")
    @MethodSource("runs")
    void claudeCodeRunsABashToolLoopThroughSluice(String kind, String model) throws Exception {
        SluiceExtension sluice = BY_KIND.get(kind);
        String tag = "sluice-cli-" + kind + "-" + (model.equals("default") ? "default" : "haiku");
        Path home = Files.createTempDirectory("claude-home");
        Path work = Files.createTempDirectory("claude-work");
        try {
            long before = FAKE.provider().exchangesStarted();
            JsonNode statsBefore = stats(sluice);
            ACCESS_TAP.clearWhenQuiet(
                    ANTHROPIC, OPENAI, AZURE, OLLAMA, OPENROUTER, DATABRICKS, BROKEN_STREAMS, DEAD_FIRST);

            List<String> cmd = new ArrayList<>(List.of(
                    claude.toString(),
                    "-p",
                    "Write the marker file, then tell me what it holds.\nrun: echo " + tag
                            + " > out.txt && cat out.txt",
                    "--output-format",
                    "json",
                    "--allowedTools",
                    "Bash"));
            if (!model.equals("default")) {
                cmd.addAll(List.of("--model", model));
            }
            Run run = claude(cmd, home, work, sluice);

            assertThat(run.exit).as(run.describe()).isZero();
            JsonNode result =
                    JSON.readTree(run.stdout.strip().lines().reduce((a, b) -> b).orElse("{}"));
            assertThat(result.path("is_error").asBoolean(true))
                    .as(run.describe())
                    .isFalse();
            // Claude Code may append a <system-reminder> to the tool result, which the fake quotes too
            assertThat(result.path("result").asText().lines().findFirst())
                    .as(run.describe())
                    .hasValue("tool said: " + tag);
            assertThat(work.resolve("out.txt"))
                    .as("the file the Bash command wrote")
                    .hasContent(tag);

            AccessLogTap.awaitWritten(sluice);
            List<String> lines = List.copyOf(ACCESS_LINES);
            assertThat(lines)
                    .as("Sluice's access log during the run")
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(line -> assertThat(line).contains(" status=2").contains("outcome=SUCCESS"));
            JsonNode statsAfter = stats(sluice);
            assertThat(statsAfter.path("requests").path("errors").asLong())
                    .isEqualTo(statsBefore.path("requests").path("errors").asLong());
            assertThat(statsAfter.path("requests").path("total").asLong()
                            - statsBefore.path("requests").path("total").asLong())
                    .isEqualTo(lines.size());

            List<RecordedRequest> recorded = since(before);
            assertThat(recorded).as("requests the fake got").hasSizeGreaterThanOrEqualTo(2);
            RecordedRequest first = recorded.stream()
                    .filter(r -> r.body().contains("\"Bash\""))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no request offered Bash: " + recorded));
            assertThat(recorded).anySatisfy(r -> assertThat(r.body()).contains(tag));
            saveRequest(kind, model, first, "");
            RecordedRequest answer = recorded.stream()
                    .filter(r ->
                            r.body().contains("\"tool_result\"") || r.body().contains("\"role\":\"tool\""))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no request carried the tool result: " + recorded));
            saveRequest(kind, model, answer, "-tool-result");
        } finally {
            deleteTree(home);
            deleteTree(work);
        }
    }

    @Test
    void withoutStreamingClaudeCodeIsAnsweredByTheFallbackWhenItsStreamsBreak() throws Exception {
        String tag = "sluice-cli-nonstreaming";
        Path home = Files.createTempDirectory("claude-home");
        Path work = Files.createTempDirectory("claude-work");
        try {
            long before = FAKE.provider().exchangesStarted();
            ACCESS_TAP.clearWhenQuiet(
                    ANTHROPIC, OPENAI, AZURE, OLLAMA, OPENROUTER, DATABRICKS, BROKEN_STREAMS, DEAD_FIRST);
            Run run = claude(prompt(tag, HAIKU), home, work, BROKEN_STREAMS, FIRST_TARGET_HEADERS);
            assertSucceeded(run, tag, work);

            AccessLogTap.awaitWritten(BROKEN_STREAMS);
            List<String> lines = List.copyOf(ACCESS_LINES);
            List<String> whole =
                    lines.stream().filter(l -> l.contains(" stream=false ")).toList();
            assertThat(whole)
                    .as("Claude Code's non-streaming requests, in %s", lines)
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(l -> assertThat(l)
                            .contains(" status=200 ")
                            .contains(" targets=p/fault-malformed,p/fault-malformed,p/" + HAIKU + " ")
                            .contains("outcome=SUCCESS"));
            assertThat(lines)
                    .as("the streams that broke")
                    .filteredOn(l -> l.contains(" stream=true "))
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l).contains(" targets=p/fault-malformed "));
            List<JsonNode> answered = new ArrayList<>();
            for (RecordedRequest r : since(before)) {
                JsonNode sent = JSON.readTree(r.body());
                if (sent.path("model").asText().equals(HAIKU)) {
                    answered.add(sent);
                }
            }
            assertThat(answered)
                    .as("what the fallback target got")
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(sent ->
                            assertThat(sent.path("stream").asBoolean(true)).isFalse());
        } finally {
            deleteTree(home);
            deleteTree(work);
        }
        assertReplayAnsweredBy(BROKEN_STREAMS, "p/" + HAIKU, false); // a replayed stream would break too
    }

    @Test
    void claudeCodeIsAnsweredByTheFallbackWhenTheFirstTargetIsDown() throws Exception {
        String tag = "sluice-cli-fallback";
        Path home = Files.createTempDirectory("claude-home");
        Path work = Files.createTempDirectory("claude-work");
        try {
            ACCESS_TAP.clearWhenQuiet(
                    ANTHROPIC, OPENAI, AZURE, OLLAMA, OPENROUTER, DATABRICKS, BROKEN_STREAMS, DEAD_FIRST);
            Run run = claude(prompt(tag, HAIKU), home, work, DEAD_FIRST, FIRST_TARGET_HEADERS);
            assertSucceeded(run, tag, work);

            AccessLogTap.awaitWritten(DEAD_FIRST);
            List<String> lines = List.copyOf(ACCESS_LINES);
            assertThat(lines)
                    .as("Sluice's access log during the run")
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(l -> assertThat(l)
                            .contains(" status=200 ")
                            .contains("outcome=SUCCESS")
                            .containsPattern(" targets=(dead/" + HAIKU + ",dead/" + HAIKU + ",)?p/" + HAIKU + " "));
            assertThat(lines.get(0))
                    .as("the first request tried the closed port first, twice (one same-target retry)")
                    .contains(" targets=dead/" + HAIKU + ",dead/" + HAIKU + ",p/" + HAIKU + " ");
        } finally {
            deleteTree(home);
            deleteTree(work);
        }
        assertReplayAnsweredBy(DEAD_FIRST, "p/" + HAIKU, true, false);
    }

    /**
     * The recorded Claude Code request (default model, a Bash-offering first turn) sent with streaming off to
     * each provider kind: a whole Anthropic message calling Bash with the prompt's command comes back.
     */
    @Test
    void theRecordedClaudeCodeRequestWithoutStreamingIsAnsweredInEveryProviderKind() throws Exception {
        ObjectNode body = (ObjectNode) recordedBody("claude-code-default.json");
        body.put("stream", false);
        String command = "echo sluice-cli-anthropic-default > out.txt && cat out.txt";
        for (Map.Entry<String, SluiceExtension> kind : BY_KIND.entrySet()) {
            long before = FAKE.provider().exchangesStarted();
            var res = Http.post(
                    kind.getValue().baseUri(), "/v1/messages", JSON.writeValueAsString(body), Http.anthropicHeaders());
            assertThat(res.statusCode()).as("%s: %s", kind.getKey(), res.body()).isEqualTo(200);
            JsonNode message = JSON.readTree(res.body());
            assertThat(message.path("type").asText()).as(kind.getKey()).isEqualTo("message");
            assertThat(message.path("stop_reason").asText()).as(kind.getKey()).isEqualTo("tool_use");
            JsonNode call = StreamSupport.stream(message.path("content").spliterator(), false)
                    .filter(b -> b.path("type").asText().equals("tool_use"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(kind.getKey() + ": no tool_use in " + res.body()));
            assertThat(call.path("name").asText()).as(kind.getKey()).isEqualTo("Bash");
            assertThat(call.path("input").path("command").asText())
                    .as(kind.getKey())
                    .isEqualTo(command);
            assertThat(call.path("id").asText()).as(kind.getKey()).isNotBlank();
            List<RecordedRequest> got = since(before);
            assertThat(got).as(kind.getKey()).hasSize(1);
            JsonNode upstream = JSON.readTree(got.get(0).body());
            // an Ollama request without a stream flag streams
            assertThat(upstream.path("stream").asBoolean(true))
                    .as("%s upstream stream flag", kind.getKey())
                    .isFalse();
        }
    }

    private static List<String> prompt(String tag, String model) {
        List<String> cmd = new ArrayList<>(List.of(
                claude.toString(),
                "-p",
                "Write the marker file, then tell me what it holds.\nrun: echo " + tag + " > out.txt && cat out.txt",
                "--output-format",
                "json",
                "--allowedTools",
                "Bash"));
        if (!model.equals("default")) {
            cmd.addAll(List.of("--model", model));
        }
        return cmd;
    }

    private static void assertSucceeded(Run run, String tag, Path work) throws Exception {
        assertThat(run.exit).as(run.describe()).isZero();
        JsonNode result =
                JSON.readTree(run.stdout.strip().lines().reduce((a, b) -> b).orElse("{}"));
        assertThat(result.path("is_error").asBoolean(true)).as(run.describe()).isFalse();
        // Claude Code may append a <system-reminder> to the tool result, which the fake quotes too
        assertThat(result.path("result").asText().lines().findFirst())
                .as(run.describe())
                .hasValue("tool said: " + tag);
        assertThat(work.resolve("out.txt"))
                .as("the file the Bash command wrote")
                .hasContent(tag);
    }

    /** The recorded Claude Code Haiku request, with these stream flags, is answered with x-sluice-target {@code target}. */
    private static void assertReplayAnsweredBy(SluiceExtension sluice, String target, boolean... streams)
            throws Exception {
        ObjectNode body = (ObjectNode) recordedBody("claude-code-haiku.json");
        body.put("model", HAIKU);
        for (boolean stream : streams) {
            body.put("stream", stream);
            var res = Http.post(
                    sluice.baseUri(),
                    "/v1/messages",
                    JSON.writeValueAsString(body),
                    Http.anthropicHeaders("x-session-id", FIRST_TARGET_SESSION));
            assertThat(res.statusCode()).as("stream=%s: %s", stream, res.body()).isEqualTo(200);
            assertThat(res.headers().firstValue("x-sluice-target"))
                    .as("stream=%s", stream)
                    .contains(target);
            if (!stream) {
                assertThat(JSON.readTree(res.body()).path("type").asText()).isEqualTo("message");
            }
        }
    }

    private static JsonNode recordedBody(String file) throws Exception {
        try (var in = ClaudeCodeCliTest.class.getResourceAsStream("/client-requests/" + file)) {
            assertThat(in).as(file).isNotNull();
            return JSON.readTree(in).path("body").deepCopy();
        }
    }

    private record Run(int exit, String stdout, String stderr, List<String> cmd) {
        String describe() {
            return "claude exit " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /** Runs Claude Code with nothing but Sluice reachable; kills its process tree after {@value #RUN_SECONDS} s. */
    private static Run claude(List<String> cmd, Path home, Path work, SluiceExtension sluice) throws Exception {
        return claude(cmd, home, work, sluice, Map.of());
    }

    private static Run claude(
            List<String> cmd, Path home, Path work, SluiceExtension sluice, Map<String, String> moreEnv)
            throws Exception {
        Path out = home.resolve("stdout.txt");
        Path err = home.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString());
        env.put("TMPDIR", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("ANTHROPIC_BASE_URL", sluice.baseUri().toString().replaceAll("/$", ""));
        env.put("ANTHROPIC_API_KEY", SluiceExtension.CLIENT_KEY);
        for (String proxy :
                List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")) {
            env.put(proxy, CLOSED_PORT_PROXY);
        }
        env.put("NO_PROXY", "127.0.0.1,localhost");
        env.put("no_proxy", "127.0.0.1,localhost");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        env.putAll(moreEnv);
        Process p = pb.start();
        if (!p.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("claude did not finish in " + RUN_SECONDS + " s\nstdout: " + Files.readString(out)
                    + "\nstderr: " + Files.readString(err));
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly); // nothing it started may outlive it
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err), cmd);
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

    /**
     * A request of the run (the first, or the one carrying the tool result) as the fake got it, with long texts cut and the user id blanked, in
     * target/client-requests/ (the anthropic-kind ones are kept in src/test/resources/client-requests/).
     */
    private static void saveRequest(String kind, String model, RecordedRequest request, String suffix)
            throws Exception {
        JsonNode body = cut(JSON.readTree(request.body()));
        if (body.path("metadata").has("user_id")) {
            ((ObjectNode) body.path("metadata")).put("user_id", "<cut>");
        }
        ObjectNode saved = JSON.createObjectNode();
        saved.put("client", "@anthropic-ai/claude-code " + version());
        saved.put("provider-kind", kind);
        saved.put("method", request.method());
        saved.put("path", request.path());
        saved.set("body", body);
        Path dir = Path.of("target", "client-requests");
        Files.createDirectories(dir);
        String name = "claude-code-" + (model.equals("default") ? "default" : "haiku") + "-" + kind + suffix + ".json";
        Files.writeString(
                dir.resolve(name), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(saved) + "\n");
    }

    /** Strings over 200 characters cut to their first 120, saying how long they were. */
    private static JsonNode cut(JsonNode node) {
        if (node.isTextual() && node.asText().length() > 200) {
            String text = node.asText();
            return new TextNode(text.substring(0, 120) + "...[cut, " + text.length() + " chars]");
        }
        if (node instanceof ObjectNode object) {
            object.properties().forEach(e -> e.setValue(cut(e.getValue())));
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, cut(array.get(i)));
            }
        }
        return node;
    }

    private static String version() throws Exception {
        return JSON.readTree(NodeClients.dir()
                        .resolve("node_modules/@anthropic-ai/claude-code/package.json")
                        .toFile())
                .path("version")
                .asText();
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
