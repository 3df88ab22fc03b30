package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard in a real headless Chromium (Debian's, driven by playwright-core from npm) against a
 * running Sluice with traffic: every chart receives data, the phone layout stacks, no console errors;
 * the screenshot lands in target/dashboard.png (docs/dashboard.png is a copy). Skipped when chromium
 * or node is missing, except under CI=true.
 */
@LeakChecked
class DashboardBrowserTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(4));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(FAKE, "cache.enabled", "true");

    @Test
    void theDashboardPlotsLiveDataInAHeadlessBrowser() throws Exception {
        Path browser = browserDir();
        boolean tools = new File("/usr/bin/chromium").canExecute() && onPath("node") && onPath("npm");
        if (!tools && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but /usr/bin/chromium, node or npm is missing (.ci/run installs them)");
        }
        Assumptions.assumeTrue(tools, "chromium, node or npm missing: dashboard browser test skipped");
        if (!Files.isDirectory(browser.resolve("node_modules/playwright-core"))) {
            run(browser, 180, "npm", "ci", "--no-audit", "--no-fund");
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread traffic = Thread.ofPlatform().name("dashboard-traffic").start(() -> {
            int i = 0;
            while (!stop.get()) {
                try {
                    Http.post(
                            SLUICE.baseUri(),
                            "/v1/messages",
                            Http.messageBody("fake-model", i++ % 2 == 0),
                            anthropicHeaders());
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        });
        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        try {
            String out =
                    run(browser, 90, "node", "dashboard-check.mjs", SLUICE.baseUri() + "/dashboard", shot.toString());
            JsonNode summary =
                    new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
            assertThat(summary.path("messages").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(summary.path("points").path("rates").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(summary.path("consoleErrors").asInt()).isZero();
            assertThat(Files.size(shot)).isGreaterThan(10_000);
        } finally {
            stop.set(true);
            traffic.join(5000);
        }
    }

    private static String run(Path dir, int seconds, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes(); // bounded by the process's own timeouts
        }
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.toHandle().destroy();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in " + seconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as(String.join(" ", cmd) + " output:\n" + text)
                .isZero();
        return text;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static Path browserDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path b = d.resolve("sluice-gateway/src/test/browser");
            if (Files.isDirectory(b)) {
                return b;
            }
            if (Files.isDirectory(d.resolve("src/test/browser"))) {
                return d.resolve("src/test/browser");
            }
        }
        throw new AssertionError("no src/test/browser above " + Path.of("").toAbsolutePath());
    }
}
