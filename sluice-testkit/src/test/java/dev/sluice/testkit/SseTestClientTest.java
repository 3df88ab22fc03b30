package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real HTTP server (the JDK's) streaming chunked event streams. */
@LeakChecked
class SseTestClientTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX_ENDLESS_EVENTS = 1_000_000;

    private final CountDownLatch unstall = new CountDownLatch(1);
    private final CountDownLatch endlessWriteFailed = new CountDownLatch(1);
    private final AtomicReference<IOException> endlessFailure = new AtomicReference<>();
    private HttpServer server;
    private ExecutorService handlers;
    private SseTestClient client;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newFixedThreadPool(
                4, Thread.ofPlatform().name("sse-test-handler-", 0).factory());
        server.setExecutor(handlers);
        server.createContext("/v1/messages", this::streamEvents);
        server.createContext("/error", this::badRequest);
        server.createContext("/stall", this::stallAfterOneEvent);
        server.createContext("/endless", this::streamUntilWriteFails);
        server.start();
        client = SseTestClient.connect(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        unstall.countDown();
        server.stop(0);
        handlers.shutdownNow();
        assertThat(handlers.awaitTermination(5, TimeUnit.SECONDS))
                .as("handlers ended")
                .isTrue();
    }

    @Test
    void eventsArriveInOrderWithMultiLineDataJoinedAndCommentsCountedNotReturned() {
        try (SseStream stream = client.post("/v1/messages", Map.of("x-test", "yes"), "{\"model\":\"m\"}")) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.headers()).containsEntry("content-type", "text/event-stream");
            assertThat(stream.readAll(WAIT))
                    .containsExactly(
                            new SseEvent("request", "POST application/json yes {\"model\":\"m\"}"),
                            new SseEvent("message_start", "{\"type\":\"message_start\"}"),
                            new SseEvent("content_block_delta", "line one\nline two"),
                            new SseEvent("message", "[DONE]"),
                            new SseEvent("message_stop", "{}"));
            assertThat(stream.commentsSeen()).isEqualTo(2);
            assertThat(stream.endedCleanly()).isTrue();
        }
    }

    @Test
    void nextReturnsOneEventAtATimeThenEmptyAtTheEnd() {
        try (SseStream stream = client.post("/v1/messages", Map.of("x-test", "no"), "{}")) {
            for (int i = 0; i < 5; i++) {
                assertThat(stream.next(WAIT)).as("event %d", i).isPresent();
            }
            assertThat(stream.next(WAIT)).isEmpty();
            assertThat(stream.next(WAIT)).isEmpty();
            assertThat(stream.endedCleanly()).isTrue();
        }
    }

    @Test
    void errorBodyIsReadAsText() {
        try (SseStream stream = client.post("/error", Map.of(), "not json")) {
            assertThat(stream.status()).isEqualTo(400);
            assertThat(stream.readBodyAsString(WAIT)).isEqualTo("{\"error\":\"bad request\"}");
            assertThat(stream.endedCleanly()).isTrue();
        }
    }

    @Test
    void nextTimesOutWithAClearMessageAndTheStreamCanBeReadOn() {
        try (SseStream stream = client.post("/stall", Map.of(), "{}")) {
            assertThat(stream.next(WAIT)).contains(new SseEvent("message", "first"));

            assertThatThrownBy(() -> stream.next(Duration.ofMillis(100)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("POST /stall: no complete event within 100 ms (1 events and 0 comments");

            unstall.countDown();
            assertThat(stream.next(WAIT)).contains(new SseEvent("message", "second"));
            assertThat(stream.next(WAIT)).isEmpty();
            assertThat(stream.endedCleanly()).isTrue();
        }
    }

    @Test
    void disconnectResetsTheConnectionSoTheServersWritesFail() throws InterruptedException {
        SseStream stream = client.post("/endless", Map.of(), "{}");
        assertThat(stream.next(WAIT)).isPresent();

        stream.disconnect();

        assertThat(endlessWriteFailed.await(5, TimeUnit.SECONDS))
                .as("server saw the connection fail")
                .isTrue();
        assertThat(endlessFailure.get()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> stream.next(WAIT)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void postToANonListeningPortFailsNamingTheTarget() throws IOException {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        SseTestClient nowhere = SseTestClient.connect(URI.create("http://127.0.0.1:" + port));

        assertThatThrownBy(() -> nowhere.post("/v1/messages", Map.of(), "{}"))
                .hasMessageContaining("POST /v1/messages to 127.0.0.1:" + port + " failed");
    }

    private void streamEvents(HttpExchange exchange) throws IOException {
        String echo =
                exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                        + exchange.getRequestHeaders().getFirst("X-Test") + " "
                        + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            write(out, "event: request\ndata: " + echo + "\n\n");
            write(out, ": heartbeat\n\n");
            write(out, "event: message_start\ndata: {\"type\":\"message_start\"}\n\n");
            write(out, "event: content_block_delta\r\ndata: line one\r\ndata:line two\r\n\r\n");
            write(out, ":\n");
            write(out, "data: [DONE]\n\n");
            write(out, "event: message_stop\ndata: {}\n\n");
        }
    }

    private void badRequest(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] body = "{\"error\":\"bad request\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(400, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void stallAfterOneEvent(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            write(out, "data: first\n\n");
            if (unstall.await(10, TimeUnit.SECONDS)) {
                write(out, "data: second\n\n");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void streamUntilWriteFails(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < MAX_ENDLESS_EVENTS; i++) {
                write(out, "data: " + i + "\n\n");
            }
        } catch (IOException e) {
            endlessFailure.set(e);
            endlessWriteFailed.countDown();
        } finally {
            exchange.close();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
