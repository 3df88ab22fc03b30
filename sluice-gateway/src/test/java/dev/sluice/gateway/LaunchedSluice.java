package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Sluice started as its own process by a launcher ({@code bin/sluice serve --demo --port 0} of the release
 * archive, the container image's entry point): its output collected, its port read from the listening line,
 * ready once {@code /health/ready} answers 200. {@link #close()} kills it if a test left it running.
 */
final class LaunchedSluice implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("Sluice listening on http://127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    private final StringBuffer out = new StringBuffer();
    private int port;

    private LaunchedSluice(Process process, String outputThread) {
        this.process = process;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String l = r.readLine(); l != null; l = r.readLine()) {
                            out.append(l).append('\n');
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                },
                outputThread);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code pb} (output and errors merged, no input) and waits until it listens and is ready. */
    static LaunchedSluice start(ProcessBuilder pb, String outputThread, Duration startup) throws IOException {
        LaunchedSluice s = new LaunchedSluice(
                pb.redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start(),
                outputThread);
        await().atMost(startup).until(() -> URL.matcher(s.out).find() || !s.process.isAlive());
        Matcher m = URL.matcher(s.out);
        assertThat(m.find()).as("a listening line in:\n%s", s.out).isTrue();
        s.port = Integer.parseInt(m.group(1));
        await().atMost(startup)
                .ignoreExceptions()
                .until(() -> Http.get(s.base(), "/health/ready").statusCode() == 200);
        return s;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    String output() {
        return out.toString();
    }

    /** A streamed answer of the demo's fake provider, through this Sluice. */
    HttpResponse<String> demoStream() throws Exception {
        return demoStream(base());
    }

    /** A streamed answer of the demo's fake provider, through the Sluice at {@code base}. */
    static HttpResponse<String> demoStream(java.net.URI base) throws Exception {
        return Http.post(
                base,
                "/v1/messages",
                "{\"model\":\"demo\",\"max_tokens\":64,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key",
                "demo",
                "anthropic-version",
                "2023-06-01",
                "content-type",
                "application/json");
    }

    /** SIGTERM to the process; whether it exited within 30 s. */
    boolean stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
