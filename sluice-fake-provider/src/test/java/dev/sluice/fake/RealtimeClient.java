package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A JDK WebSocket client of the fake's Realtime API that queues every server event (JSON, or raw text when not). */
final class RealtimeClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    volatile WebSocket socket;
    final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    final BlockingQueue<String> raw = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final CompletableFuture<Throwable> failed = new CompletableFuture<>();

    private RealtimeClient() {}

    /** Connects to {@code pathAndQuery} with header name/value pairs; a refused handshake throws its exception. */
    static RealtimeClient connect(FakeProvider provider, String pathAndQuery, String... headers) throws Exception {
        RealtimeClient client = new RealtimeClient();
        Listener listener = new Listener(client);
        WebSocket.Builder builder =
                HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        for (int i = 0; i < headers.length; i += 2) builder.header(headers[i], headers[i + 1]);
        URI uri = URI.create("ws://127.0.0.1:" + provider.port() + pathAndQuery);
        client.socket = builder.buildAsync(uri, listener).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return client;
    }

    /** The handshake's refusal (status and body), from a connect that must fail. */
    static WebSocketHandshakeException refusal(FakeProvider provider, String pathAndQuery, String... headers)
            throws Exception {
        try (RealtimeClient client = connect(provider, pathAndQuery, headers)) {
            throw new AssertionError("handshake was not refused");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) return refused;
            throw e;
        }
    }

    static RealtimeClient openAi(FakeProvider provider, String model, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "authorization";
        all[1] = "Bearer sk-test";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return connect(provider, "/v1/realtime?model=" + model, all);
    }

    void send(String json) {
        join(socket.sendText(json, true));
    }

    /** The next event, failing after {@link #WAIT}. */
    JsonNode next() throws InterruptedException {
        JsonNode event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) throw new AssertionError("no event within " + WAIT);
        return event;
    }

    /** The next event of {@code type}, skipping others. */
    JsonNode next(String type) throws InterruptedException {
        while (true) {
            JsonNode event = next();
            if (event.path("type").asText().equals(type)) return event;
        }
    }

    /** Events up to and including the first of {@code type}. */
    List<JsonNode> until(String type) throws InterruptedException {
        List<JsonNode> seen = new ArrayList<>();
        while (true) {
            JsonNode event = next();
            seen.add(event);
            if (event.path("type").asText().equals(type)) return seen;
        }
    }

    /** Nothing arrives for {@code quiet}. */
    boolean quietFor(Duration quiet) throws InterruptedException {
        JsonNode event = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        return event == null;
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
                return;
            }
        }
        try {
            closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            // the server did not answer the close: drop it
        }
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        private final RealtimeClient client;
        private final StringBuilder text = new StringBuilder();

        Listener(RealtimeClient client) {
            this.client = client;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                client.raw.add(message);
                try {
                    client.events.add(Http.json(message));
                } catch (RuntimeException notJson) {
                    // kept in raw only
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            client.closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            client.failed.complete(error);
        }
    }
}
