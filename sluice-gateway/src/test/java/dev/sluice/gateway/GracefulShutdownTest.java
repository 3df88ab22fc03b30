package dev.sluice.gateway;

import static dev.sluice.gateway.Http.messageBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import dev.sluice.testkit.SseEvent;
import dev.sluice.testkit.SseStream;
import dev.sluice.testkit.SseTestClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SIGTERM to a real Sluice process with 50 open streams: each ends cleanly or with an error event. */
@LeakChecked
class GracefulShutdownTest {

    private static final Pattern LISTENING = Pattern.compile("listening on http://[^\\s:]+:(\\d+)");
    private static final long DRAIN_MILLIS = 2000;

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(400).deltaInterval(Duration.ofMillis(50)));

    @Test
    void sigtermWithFiftyOpenStreamsEndsEachAndExitsWithinTheDrainDeadline() throws Exception {
        Process sluice = startSluiceProcess();
        List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            URI base = awaitListening(sluice, output);
            List<SseStream> streams = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                // max_tokens caps the fake's 400 deltas: ~0.5 s vs ~20 s of streaming
                String body = messageBody("fake-model", true)
                        .replace("\"max_tokens\":64", "\"max_tokens\":" + (i % 2 == 0 ? 10 : 1024));
                SseStream s =
                        SseTestClient.connect(base).post("/v1/messages", UpstreamFailureOutcomesTest.headers(), body);
                assertThat(s.status()).isEqualTo(200);
                assertThat(s.next(Duration.ofSeconds(5)))
                        .get()
                        .extracting(SseEvent::event)
                        .isEqualTo("message_start");
                streams.add(s);
            }
            List<Future<String>> endings = new ArrayList<>();
            for (SseStream s : streams) {
                endings.add(clients.submit(() -> {
                    try (s) {
                        List<SseEvent> rest = s.readAll(Duration.ofSeconds(15));
                        return rest.isEmpty()
                                ? "nothing"
                                : rest.get(rest.size() - 1).event();
                    }
                }));
            }

            long t0 = System.nanoTime();
            output.add("test: SIGTERM at " + java.time.Instant.now());
            sluice.toHandle().destroy(); // SIGTERM (Process.destroy() would also close our end of its output pipe)
            await().atMost(Duration.ofSeconds(1))
                    .untilAsserted(
                            () -> assertThat(Http.get(base, "/health/ready").statusCode())
                                    .isEqualTo(503));
            boolean exited = sluice.waitFor(DRAIN_MILLIS + 3000, TimeUnit.MILLISECONDS);
            long exitMillis = (System.nanoTime() - t0) / 1_000_000;
            output.add("test: exited=" + exited + " after " + exitMillis + " ms, code "
                    + (exited ? sluice.exitValue() : -1));

            assertThat(exited)
                    .as("process exited; output:%n%s", String.join("\n", output))
                    .isTrue();
            assertThat(exitMillis).as("exit time after SIGTERM").isLessThanOrEqualTo(DRAIN_MILLIS + 1000);
            int complete = 0;
            int terminated = 0;
            for (Future<String> f : endings) {
                String last = f.get(5, TimeUnit.SECONDS);
                assertThat(last).isIn("message_stop", "error");
                if (last.equals("message_stop")) {
                    complete++;
                } else {
                    terminated++;
                }
            }
            assertThat(complete).isEqualTo(25);
            assertThat(terminated).isEqualTo(25);
            // the process has exited; its last lines may still be in the pipe
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(output)
                            .anySatisfy(
                                    l -> assertThat(l).contains("shutdown: drain (25 still in flight at the deadline)"))
                            .anySatisfy(l -> assertThat(l).contains("shutdown: terminate 25 open requests"))
                            .anySatisfy(l -> assertThat(l).contains("shutdown: shutdown complete")));
        } finally {
            java.nio.file.Files.write(java.nio.file.Path.of("target/graceful-shutdown-child.log"), output);
            sluice.destroyForcibly();
            sluice.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermWithTwentyStuckUploadsExitsWithinTheDrainDeadline() throws Exception {
        Process sluice = startSluiceProcess();
        List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<java.net.Socket> uploads = new ArrayList<>();
        try {
            URI base = awaitListening(sluice, output);
            for (int i = 0; i < 20; i++) {
                java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort());
                s.getOutputStream()
                        .write(("POST /v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\n"
                                        + "content-type: application/json\r\nContent-Length: 100000\r\n\r\n{\"model\":")
                                .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                uploads.add(s);
            }
            // every upload is in its body now: the edge watches all 20
            await().atMost(Duration.ofSeconds(10)).until(() -> HostileClientsTest.watchedConnections(base) >= 20);
            long t0 = System.nanoTime();
            sluice.toHandle().destroy(); // SIGTERM
            boolean exited = sluice.waitFor(DRAIN_MILLIS + 3000, TimeUnit.MILLISECONDS);
            long exitMillis = (System.nanoTime() - t0) / 1_000_000;
            output.add("test: exited=" + exited + " after " + exitMillis + " ms");

            assertThat(exited)
                    .as("process exited; output:%n%s", String.join("\n", output))
                    .isTrue();
            // uploads hold no permit, so the drain has nothing to wait for
            assertThat(exitMillis).as("exit time after SIGTERM").isLessThanOrEqualTo(DRAIN_MILLIS + 1000);
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(output)
                            .anySatisfy(l -> assertThat(l).contains("shutdown: drain (all requests finished)")));
        } finally {
            for (java.net.Socket s : uploads) {
                s.close();
            }
            sluice.destroyForcibly();
            sluice.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static Process startSluiceProcess() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.sluice.gateway.cli.SluiceCli",
                "serve",
                "--port",
                "0",
                "--set",
                "upstream.url=" + FAKE.baseUri(),
                "--set",
                "upstream.api-key=sk-upstream",
                "--set",
                "demo.mode=off",
                "--set",
                "shutdown.pre-drain=0s",
                "--set",
                "shutdown.drain-timeout=" + DRAIN_MILLIS + "ms",
                "--set",
                "stream.heartbeat-interval=100ms");
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static URI awaitListening(Process p, List<String> output) throws Exception {
        CompletableFuture<URI> uri = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("sluice-process-output").start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    output.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        uri.complete(URI.create("http://127.0.0.1:" + m.group(1)));
                    }
                }
            } catch (java.io.IOException ignored) {
                // process gone
            }
            uri.completeExceptionally(
                    new AssertionError("Sluice exited before listening:\n" + String.join("\n", output)));
        });
        return uri.get(30, TimeUnit.SECONDS);
    }
}
