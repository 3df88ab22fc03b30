package dev.sluice.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A deliberately low-level HTTP/1.1 client for the gateway's streaming endpoints. Each
 * {@link #post} opens its own socket, sends one request with {@code Connection: close}, reads the
 * status line and headers and hands back an {@link SseStream} that decodes the body (chunked,
 * Content-Length or until close) and parses server-sent events. Unlike a real client it can
 * misbehave on purpose: {@link SseStream#disconnect()} resets the connection mid-stream.
 *
 * <pre>{@code
 * SseTestClient client = SseTestClient.connect(gateway.baseUri());
 * try (SseStream stream = client.post("/v1/messages", Map.of("x-api-key", key), body)) {
 *     assertThat(stream.status()).isEqualTo(200);
 *     List<SseEvent> events = stream.readAll(Duration.ofSeconds(10));
 *     assertThat(stream.endedCleanly()).isTrue();
 * }
 * }</pre>
 */
public final class SseTestClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    private final String host;
    private final int port;
    private final String basePath;
    private final Duration responseTimeout;

    private SseTestClient(String host, int port, String basePath, Duration responseTimeout) {
        this.host = host;
        this.port = port;
        this.basePath = basePath;
        this.responseTimeout = responseTimeout;
    }

    /**
     * A client for the server at {@code base} ({@code http://host:port}, optionally with a path
     * prefix). Nothing is opened until {@link #post}.
     */
    public static SseTestClient connect(URI base) {
        Objects.requireNonNull(base, "base");
        if (!"http".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("SseTestClient needs an http://host:port URI, got " + base);
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        String prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return new SseTestClient(
                base.getHost(), base.getPort() == -1 ? 80 : base.getPort(), prefix, DEFAULT_RESPONSE_TIMEOUT);
    }

    /** A copy that waits {@code timeout} (default 10 s) for the status line and headers. */
    public SseTestClient withResponseTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("response timeout must be positive, got " + timeout);
        }
        return new SseTestClient(host, port, basePath, timeout);
    }

    /**
     * Sends {@code POST pathAndQuery} with the given headers and UTF-8 body and waits for the
     * response head. {@code Host}, {@code Content-Type: application/json},
     * {@code Accept: text/event-stream}, {@code Content-Length} and {@code Connection: close} are
     * added unless {@code headers} names them (case-insensitively), so a test can send wrong ones.
     *
     * @throws AssertionError if no response head arrives within the response timeout
     * @throws UncheckedIOException if the connection fails or the response head is malformed
     */
    public SseStream post(String pathAndQuery, Map<String, String> headers, String body) {
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', got '" + pathAndQuery + "'");
        }
        String target = basePath + pathAndQuery;
        String request = "POST " + target + " to " + host + ":" + port;
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        byte[] head = requestHead(target, headers, payload.length);
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            IOException writeFailure = send(socket, head, payload);
            DeadlineInput deadline = new DeadlineInput(socket);
            BufferedInputStream in = new BufferedInputStream(deadline, 8192);
            deadline.expireAfter(responseTimeout);
            ResponseHead response = readHead(in, writeFailure);
            return new SseStream(socket, deadline, response, BodyInput.of(response, in), "POST " + target);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket, e);
            throw new AssertionError(request + ": no response head within " + responseTimeout.toMillis() + " ms", e);
        } catch (IOException e) {
            closeQuietly(socket, e);
            throw new UncheckedIOException(request + " failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeQuietly(socket, e);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "SseTestClient[http://" + host + ":" + port + basePath + "]";
    }

    private byte[] requestHead(String target, Map<String, String> headers, int contentLength) {
        StringBuilder head = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\n");
        List<Map.Entry<String, String>> defaults = List.of( // in the order they are sent
                Map.entry("host", host + ":" + port),
                Map.entry("content-type", "application/json"),
                Map.entry("accept", "text/event-stream"),
                Map.entry("content-length", Integer.toString(contentLength)),
                Map.entry("connection", "close"));
        for (Map.Entry<String, String> header : defaults) {
            String name = header.getKey();
            boolean given = headers.keySet().stream()
                    .anyMatch(key -> key.toLowerCase(Locale.ROOT).equals(name));
            if (!given) {
                appendHeader(head, name, header.getValue());
            }
        }
        headers.forEach((name, value) -> appendHeader(head, name, value));
        return head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendHeader(StringBuilder head, String name, String value) {
        if (name.isEmpty() || (name + value).chars().anyMatch(c -> c == '\r' || c == '\n') || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("header would break the request: '" + name + ": " + value + "'");
        }
        head.append(name).append(": ").append(value).append("\r\n");
    }

    /** Writes the request; a failure is returned, not thrown, since the server may have answered early. */
    private static @Nullable IOException send(Socket socket, byte[] head, byte[] payload) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.write(payload);
            out.flush();
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    private static ResponseHead readHead(BufferedInputStream in, @Nullable IOException writeFailure)
            throws IOException {
        try {
            return ResponseHead.read(in);
        } catch (IOException e) {
            if (writeFailure != null) {
                writeFailure.addSuppressed(e);
                throw writeFailure;
            }
            throw e;
        }
    }

    private static void closeQuietly(Socket socket, Throwable failure) {
        try {
            socket.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
