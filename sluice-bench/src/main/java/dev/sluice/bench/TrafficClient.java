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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends generation requests in either dialect, streamed or whole, with the JDK HTTP client over
 * HTTP/1.1, and reads each answer as a given kind of client would: to its end, leaving at a point
 * of its own choosing, or reading slowly. Only to 127.0.0.1.
 */
final class TrafficClient implements AutoCloseable {
    /** A stream longer than this many lines is an error (the fakes send a few hundred at most). */
    static final int MAX_LINES = 100_000;
    /** How much of a non-200 answer is read to tell Sluice's shed from the upstream's. */
    static final int MAX_ERROR_BODY = 4096;
    /** How long {@link #close()} waits for the HTTP client to stop. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** A slow reader pauses this long after each content event. */
    static final Duration SLOW_READ_PAUSE = Duration.ofMillis(20);

    /** The API a request speaks. */
    enum Dialect {
        ANTHROPIC,
        OPENAI
    }

    /** How the client reads the answer. */
    enum Reader {
        /** To its end. */
        COMPLETE,
        /** Leaves after {@code leaveAfter} lines of a stream, or {@code leaveAfter} ms into a whole answer. */
        DISCONNECT,
        /** Pauses {@link #SLOW_READ_PAUSE} after each content event. */
        SLOW
    }

    /**
     * One request to send.
     *
     * @param leaveAfter for {@link Reader#DISCONNECT}: lines of a stream (at least 1), or milliseconds
     *                   of a whole answer, after which the client leaves
     */
    record Call(Dialect dialect, boolean stream, String model, Reader reader, int leaveAfter) {
        static Call complete(Dialect dialect, boolean stream, String model) {
            return new Call(dialect, stream, model, Reader.COMPLETE, 0);
        }
    }

    private final ExecutorService executor;
    private final HttpClient http;
    private final URI base;
    private final Duration headersTimeout;

    private TrafficClient(URI base, Duration headersTimeout) {
        requireLoopback(base);
        this.base = base;
        this.headersTimeout = headersTimeout;
        this.executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("sluice-bench-http-", 0).factory());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
    }

    /** A client for the server at {@code base}; a request waits at most {@code headersTimeout} for headers. */
    static TrafficClient create(URI base, Duration headersTimeout) {
        return new TrafficClient(base, headersTimeout);
    }

    static String body(Dialect dialect, boolean stream, String model) {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about sluices.\"}]";
        return switch (dialect) {
            case ANTHROPIC ->
                "{\"model\":\"" + model + "\",\"max_tokens\":1024,\"stream\":" + stream + "," + messages + "}";
            case OPENAI ->
                "{\"model\":\"" + model + "\",\"stream\":" + stream
                        + (stream ? ",\"stream_options\":{\"include_usage\":true}," : ",") + messages + "}";
        };
    }

    HttpRequest request(Call call) {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        base.resolve(call.dialect() == Dialect.ANTHROPIC ? "/v1/messages" : "/v1/chat/completions"))
                .timeout(headersTimeout)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(call.dialect(), call.stream(), call.model())));
        if (call.dialect() == Dialect.ANTHROPIC) {
            b.header("x-api-key", "bench").header("anthropic-version", "2023-06-01");
        } else {
            b.header("authorization", "Bearer bench");
        }
        return b.build();
    }

    /** Sends {@code call} and reads its answer as its reader does; never throws. */
    CallResult call(Call call) {
        HttpRequest request = request(call);
        try {
            if (!call.stream() && call.reader() == Reader.DISCONNECT) {
                return leaveWholeAnswer(request, call.leaveAfter());
            }
            HttpResponse<InputStream> res = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            long headers = System.nanoTime();
            try (InputStream in = res.body()) {
                int status = res.statusCode();
                if (status == 529 || status == 503) {
                    String text = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
                    return CallResult.shed(headers, !text.contains("Sluice"));
                }
                if (status != 200) {
                    return CallResult.error(headers, "HTTP " + status);
                }
                if (!call.stream()) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                    long end = System.nanoTime();
                    return CallResult.completed(end, end);
                }
                return readStream(in, call.dialect(), call.reader(), call.leaveAfter());
            }
        } catch (IOException | RuntimeException e) {
            return CallResult.error(System.nanoTime(), e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CallResult.error(System.nanoTime(), "interrupted");
        }
    }

    /** Sends {@code call} and returns the response with its body unread: the caller reads and closes it. */
    HttpResponse<InputStream> open(Call call) throws IOException, InterruptedException {
        return http.send(request(call), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Sends a request for a whole answer and cancels it after {@code millis} unless it ended first. */
    private CallResult leaveWholeAnswer(HttpRequest request, int millis) throws InterruptedException {
        CompletableFuture<HttpResponse<Void>> pending = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            HttpResponse<Void> res = pending.get(millis, TimeUnit.MILLISECONDS);
            long end = System.nanoTime();
            return res.statusCode() == 200
                    ? CallResult.completed(end, end)
                    : CallResult.error(end, "HTTP " + res.statusCode());
        } catch (TimeoutException e) {
            pending.cancel(true);
            return CallResult.disconnected(System.nanoTime());
        } catch (ExecutionException e) {
            return CallResult.error(System.nanoTime(), e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            pending.cancel(true); // the request must not outlive the caller
            throw e;
        }
    }

    /**
     * Reads SSE lines of either dialect to the end of the stream, or until the reader leaves:
     * content events, the end marker ({@code message_stop} / {@code [DONE]}) and in-band errors.
     */
    static CallResult readStream(InputStream in, Dialect dialect, Reader reader, int leaveAfter) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        long firstContent = 0;
        long lastContent = 0;
        long maxGap = 0;
        int frames = 0;
        boolean ended = false;
        String errorEvent = null;
        for (int n = 0; n < MAX_LINES; n++) {
            if (reader == Reader.DISCONNECT && n >= Math.max(1, leaveAfter)) {
                return CallResult.disconnected(System.nanoTime());
            }
            String line = lines.readLine();
            if (line == null) {
                long end = System.nanoTime();
                if (errorEvent != null) {
                    return CallResult.error(end, errorEvent);
                }
                if (!ended) {
                    return CallResult.error(end, "stream ended without its end marker");
                }
                return CallResult.streamed(firstContent == 0 ? end : firstContent, end, frames, maxGap);
            }
            Event e = classify(line, dialect);
            if (e == Event.CONTENT) {
                long now = System.nanoTime();
                if (frames++ == 0) {
                    firstContent = now;
                } else {
                    maxGap = Math.max(maxGap, now - lastContent);
                }
                lastContent = now;
                if (reader == Reader.SLOW) {
                    Park.until(System.nanoTime() + SLOW_READ_PAUSE.toNanos());
                    lastContent = System.nanoTime(); // the client's own pause is not the server's gap
                }
            } else if (e == Event.END) {
                ended = true;
            } else if (e == Event.ERROR) {
                errorEvent = "in-band error event";
            }
        }
        return CallResult.error(System.nanoTime(), "stream longer than " + MAX_LINES + " lines");
    }

    private enum Event {
        CONTENT,
        END,
        ERROR,
        OTHER
    }

    private static Event classify(String line, Dialect dialect) {
        if (dialect == Dialect.ANTHROPIC) {
            if (!line.startsWith("event:")) {
                return Event.OTHER;
            }
            return switch (line.substring("event:".length()).strip()) {
                case "content_block_delta" -> Event.CONTENT;
                case "message_stop" -> Event.END;
                case "error" -> Event.ERROR;
                default -> Event.OTHER;
            };
        }
        if (!line.startsWith("data:")) {
            return Event.OTHER;
        }
        String data = line.substring("data:".length()).strip();
        if (data.equals("[DONE]")) {
            return Event.END;
        }
        if (data.startsWith("{\"error\"")) {
            return Event.ERROR;
        }
        int at = data.indexOf("\"content\":\"");
        int next = at + "\"content\":\"".length();
        return at >= 0 && next < data.length() && data.charAt(next) != '"' ? Event.CONTENT : Event.OTHER;
    }

    /** The body of a GET to {@code uri} (a loopback address), or throws. */
    String get(URI uri, Duration timeout) throws IOException, InterruptedException {
        requireLoopback(uri);
        HttpResponse<String> res = http.send(
                HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
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

    static void requireLoopback(URI uri) {
        String host = uri.getHost();
        if (!"127.0.0.1".equals(host) && !"[::1]".equals(host) && !"::1".equals(host)) {
            throw new IllegalArgumentException("the benchmark only sends to loopback (127.0.0.1, ::1), not " + uri);
        }
    }
}
