package dev.sluice.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sends Anthropic streaming requests ({@code POST /v1/messages}, {@code "stream": true}) with the JDK
 * HTTP client over HTTP/1.1 and reads each SSE answer to its end. Only to 127.0.0.1.
 */
final class AnthropicStreamClient implements AutoCloseable {
    /** A stream longer than this many lines is an error (the fake sends about 50). */
    static final int MAX_LINES = 100_000;
    /** How much of a non-200 answer is read to tell Sluice's shed from the upstream's. */
    static final int MAX_ERROR_BODY = 4096;
    /** How long {@link #close()} waits for the HTTP client to stop. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    static final String BODY = "{\"model\":\"bench\",\"max_tokens\":1024,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about sluices.\"}]}";

    private final ExecutorService executor;
    private final HttpClient http;
    private final HttpRequest request;

    private AnthropicStreamClient(URI base, Duration headersTimeout) {
        requireLoopback(base);
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sluice-bench-http-", 0).factory());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
        this.request = HttpRequest.newBuilder(base.resolve("/v1/messages"))
                .timeout(headersTimeout)
                .header("x-api-key", "bench")
                .header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY))
                .build();
    }

    /** A client for the Sluice at {@code base}; a request waits at most {@code headersTimeout} for headers. */
    static AnthropicStreamClient create(URI base, Duration headersTimeout) {
        return new AnthropicStreamClient(base, headersTimeout);
    }

    /** Sends one streaming request and reads the answer to its end; never throws. */
    CallResult call() {
        try {
            HttpResponse<InputStream> res = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            long headers = System.nanoTime();
            try (InputStream in = res.body()) {
                int status = res.statusCode();
                if (status == 529 || status == 503) {
                    String body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
                    return CallResult.shed(headers, !body.contains("Sluice"));
                }
                if (status != 200) {
                    return CallResult.error(headers, "HTTP " + status);
                }
                return readStream(in);
            }
        } catch (IOException | RuntimeException e) {
            return CallResult.error(System.nanoTime(), e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CallResult.error(System.nanoTime(), "interrupted");
        }
    }

    /** Reads SSE lines to the end of the stream: first content delta, {@code message_stop}, {@code error}. */
    static CallResult readStream(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        long firstContent = 0;
        boolean stopped = false;
        String errorEvent = null;
        for (int lines = 0; lines < MAX_LINES; lines++) {
            String line = reader.readLine();
            if (line == null) {
                long end = System.nanoTime();
                if (errorEvent != null) {
                    return CallResult.error(end, errorEvent);
                }
                if (!stopped) {
                    return CallResult.error(end, "stream ended without message_stop");
                }
                return CallResult.completed(firstContent == 0 ? end : firstContent, end);
            }
            if (!line.startsWith("event:")) {
                continue;
            }
            String event = line.substring("event:".length()).strip();
            switch (event) {
                case "content_block_delta" -> {
                    if (firstContent == 0) {
                        firstContent = System.nanoTime();
                    }
                }
                case "message_stop" -> stopped = true;
                case "error" -> errorEvent = "event: error";
                default -> { }
            }
        }
        return CallResult.error(System.nanoTime(), "stream longer than " + MAX_LINES + " lines");
    }

    /** The body of a GET to {@code uri} (a loopback address), or throws. */
    String get(URI uri, Duration timeout) throws IOException, InterruptedException {
        requireLoopback(uri);
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("GET " + uri + ": HTTP " + res.statusCode());
        }
        return res.body();
    }

    /** Aborts what is still open and stops the client, waiting at most {@link #CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        http.shutdownNow();
        try {
            if (!http.awaitTermination(CLOSE_TIMEOUT)) {
                System.err.println("sluice-bench: HTTP client still busy after " + CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
        }
    }

    private static void requireLoopback(URI uri) {
        if (!"127.0.0.1".equals(uri.getHost())) {
            throw new IllegalArgumentException("the benchmark only sends to loopback, not " + uri);
        }
    }
}
