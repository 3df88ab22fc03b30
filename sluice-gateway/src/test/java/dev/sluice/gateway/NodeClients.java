package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The npm clients pinned in src/test/clients (Claude Code, Codex CLI, the Anthropic and OpenAI JS SDKs),
 * installed with {@code npm ci} when node_modules is missing or lacks one of them (an older node_modules
 * without Codex, or Codex without its native binary, an optional dependency). Tests using them are skipped when node or npm is
 * missing, except under CI=true, where they fail.
 */
final class NodeClients {

    private NodeClients() {}

    /** The clients directory, installed; skips the calling test without node and npm (fails under CI=true). */
    static Path installed() throws Exception {
        boolean tools = onPath("node") && onPath("npm");
        if (!tools && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but node or npm is missing");
        }
        Assumptions.assumeTrue(tools, "node or npm missing: npm client test skipped");
        Path clients = dir();
        Path claude = clients.resolve("node_modules/.bin/claude");
        if (!Files.isExecutable(claude)
                || !Files.isDirectory(clients.resolve("node_modules/openai"))
                || !codexRuns(clients)) {
            run(clients, 300, "npm", "ci", "--no-audit", "--no-fund");
            assertThat(codexRuns(clients)).as("codex --version after npm ci").isTrue();
        }
        if (new ProcessBuilder(claude.toString(), "--version")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor()
                != 0) {
            // npm skipped the postinstall that puts the native binary in place of the placeholder
            run(clients.resolve("node_modules/@anthropic-ai/claude-code"), 60, "node", "install.cjs");
        }
        return clients;
    }

    /** The Codex CLI launcher in an installed clients directory ({@link #installed()}). */
    static Path codex(Path clients) {
        return clients.resolve("node_modules/.bin/codex");
    }

    /**
     * Whether {@code node_modules/.bin/codex --version} exits 0 within 30 s. It runs with HOME and CODEX_HOME
     * in a throwaway directory, as even {@code --version} creates {@code $CODEX_HOME/tmp}.
     */
    private static boolean codexRuns(Path clients) throws Exception {
        Path codex = codex(clients);
        if (!Files.isExecutable(codex)) {
            return false;
        }
        Path home = Files.createTempDirectory("codex-version");
        try {
            ProcessBuilder pb = new ProcessBuilder(codex.toString(), "--version")
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("HOME", home.toString());
            pb.environment().put("CODEX_HOME", home.toString());
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return false;
            }
            return p.exitValue() == 0;
        } finally {
            try (var paths = Files.walk(home)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * Runs {@code cmd} in {@code dir} with stdin from /dev/null, output to a file (so a chatty process never
     * blocks); kills its process tree after {@code seconds}. Fails unless it exits 0; returns stdout and stderr.
     */
    static String run(Path dir, int seconds, String... cmd) throws Exception {
        Path log = Files.createTempFile("node-client", ".log");
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(log);
            if (!done) {
                throw new AssertionError(String.join(" ", cmd) + " did not finish in " + seconds + " s:\n" + text);
            }
            assertThat(p.exitValue())
                    .as(String.join(" ", cmd) + " output:\n" + text)
                    .isZero();
            return text;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    static Path dir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("sluice-gateway/src/test/clients"))) {
                return d.resolve("sluice-gateway/src/test/clients");
            }
            if (Files.isDirectory(d.resolve("src/test/clients"))) {
                return d.resolve("src/test/clients");
            }
        }
        throw new AssertionError("no src/test/clients above " + Path.of("").toAbsolutePath());
    }
}
