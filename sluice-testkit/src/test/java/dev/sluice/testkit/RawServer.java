package dev.sluice.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A one-shot server that answers exactly one request with the given raw bytes and then closes the
 * connection: for responses a well-behaved HTTP server would never send (cut-off chunks, no framing).
 */
final class RawServer implements AutoCloseable {

    private final ServerSocket listener;
    private final Thread thread;
    private final AtomicReference<String> request = new AtomicReference<>("");
    private final AtomicReference<String> clientEnd = new AtomicReference<>("not watched");

    private RawServer(String response, boolean watch) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = Thread.ofPlatform()
                .name("raw-server-" + listener.getLocalPort())
                .start(() -> answerOnce(response, watch));
    }

    /** Answers, then closes the connection. */
    static RawServer answering(String response) throws IOException {
        return new RawServer(response, false);
    }

    /** Answers, then keeps the connection open until the client ends it; see {@link #awaitClientEnd}. */
    static RawServer answeringThenWatching(String response) throws IOException {
        return new RawServer(response, true);
    }

    /** How the client ended the connection: {@code "closed"} (FIN) or {@code "reset: ..."} (RST). */
    String awaitClientEnd() throws InterruptedException {
        thread.join(Duration.ofSeconds(5));
        return clientEnd.get();
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** The request head and body the server received. */
    String request() {
        return request.get();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answerOnce(String response, boolean watch) {
        try (Socket socket = listener.accept()) {
            request.set(readRequest(socket.getInputStream()));
            socket.getOutputStream().write(response.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            if (watch) {
                watchClientEnd(socket);
            }
        } catch (IOException e) {
            // The listener was closed before a client came, or the client went away: nothing to answer.
        }
    }

    private void watchClientEnd(Socket socket) {
        try {
            int next = socket.getInputStream().read();
            clientEnd.set(next == -1 ? "closed" : "sent more bytes");
        } catch (IOException e) {
            clientEnd.set("reset: " + e.getMessage());
        }
    }

    /** Reads the whole request, so closing afterwards sends a FIN, not a reset for unread bytes. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (!bytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
            bytes.write(b);
        }
        String head = bytes.toString(StandardCharsets.ISO_8859_1);
        int length = head.lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .mapToInt(line ->
                        Integer.parseInt(line.substring(line.indexOf(':') + 1).strip()))
                .findFirst()
                .orElse(0);
        bytes.write(in.readNBytes(length));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
