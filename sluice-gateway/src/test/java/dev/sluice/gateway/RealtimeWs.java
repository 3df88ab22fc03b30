package dev.sluice.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JDK WebSocket client of Sluice's {@code /v1/realtime} (or of the fake's, for a direct comparison): every
 * server event queued as JSON (raw text too), the close code and reason kept. One shared HttpClient, so a
 * churn of sessions does not start a selector thread per session.
 */
final class RealtimeWs implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(WAIT).build();

    /** A close as the client saw it. */
    record Closed(int code, String reason) {}

    volatile WebSocket socket;
    final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    final BlockingQueue<String> raw = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    /** A slow reader: each message is acknowledged (the next requested) this many ms after it arrived. */
    volatile long readDelayMillis;

    private RealtimeWs() {}

    /** Connects to {@code base}'s {@code pathAndQuery} with header pairs; a refused handshake throws. */
    static RealtimeWs connect(URI base, String pathAndQuery, List<String> subprotocols, String... headers)
            throws Exception {
        RealtimeWs ws = new RealtimeWs();
        WebSocket.Builder b = CLIENT.newWebSocketBuilder().connectTimeout(WAIT);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (!subprotocols.isEmpty()) {
            b.subprotocols(
                    subprotocols.get(0),
                    subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        URI uri = URI.create("ws://127.0.0.1:" + base.getPort() + pathAndQuery);
        ws.socket = b.buildAsync(uri, new Listener(ws)).get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
        return ws;
    }

    /** Through Sluice with the key in the Authorization header. */
    static RealtimeWs open(URI base, String key, String model) throws Exception {
        try {
            return connect(base, "/v1/realtime?model=" + model, List.of(), "authorization", "Bearer " + key);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new AssertionError(
                        "handshake refused: " + refused.getResponse().statusCode() + " "
                                + refused.getResponse().body(),
                        refused);
            }
            throw e;
        }
    }

    /** The refusal of a handshake that must fail. */
    static WebSocketHandshakeException refusal(
            URI base, String pathAndQuery, List<String> subprotocols, String... headers) throws Exception {
        try (RealtimeWs ws = connect(base, pathAndQuery, subprotocols, headers)) {
            throw new AssertionError("handshake was not refused");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused;
            }
            throw e;
        }
    }

    static JsonNode body(WebSocketHandshakeException refused) throws IOException {
        Object body = refused.getResponse().body();
        return JSON.readTree(body == null ? "" : body.toString());
    }

    static String userText(String text) {
        return "{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"" + text + "\"}]}}";
    }

    static String append(byte[] audio) {
        return "{\"type\":\"input_audio_buffer.append\",\"audio\":\""
                + Base64.getEncoder().encodeToString(audio) + "\"}";
    }

    static final String COMMIT = "{\"type\":\"input_audio_buffer.commit\"}";
    static final String RESPONSE_CREATE = "{\"type\":\"response.create\"}";

    void send(String json) {
        join(socket.sendText(json, true));
    }

    JsonNode next() throws InterruptedException {
        JsonNode e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + WAIT + "; closed: " + closed.getNow(null));
        }
        return e;
    }

    JsonNode next(String type) throws InterruptedException {
        while (true) {
            JsonNode e = next();
            if (e.path("type").asText().equals(type)) {
                return e;
            }
        }
    }

    List<JsonNode> until(String type) throws InterruptedException {
        List<JsonNode> seen = new ArrayList<>();
        while (true) {
            JsonNode e = next();
            seen.add(e);
            if (e.path("type").asText().equals(type)) {
                return seen;
            }
        }
    }

    /** Session created, a user text item, a response: every event of the response up to response.done. */
    List<JsonNode> respond(String text) throws InterruptedException {
        next("session.created");
        send(userText(text));
        next("conversation.item.created");
        send(RESPONSE_CREATE);
        return until("response.done");
    }

    Closed awaitClosed(Duration within) throws Exception {
        return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The decoded bytes of every audio delta, and the joined transcript deltas, of {@code events}. */
    static byte[] audio(List<JsonNode> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals("response.output_audio.delta")) {
                out.writeBytes(Base64.getDecoder().decode(e.path("delta").asText()));
            }
        }
        return out.toByteArray();
    }

    static String transcript(List<JsonNode> events) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals("response.output_audio_transcript.delta")) {
                b.append(e.path("delta").asText());
            }
        }
        return b.toString();
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    /** Drops the TCP connection without a close frame. */
    void abort() {
        socket.abort();
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
            // the server did not answer the close
        }
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        private final RealtimeWs ws;
        private final StringBuilder text = new StringBuilder();

        Listener(RealtimeWs ws) {
            this.ws = ws;
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
                ws.raw.add(message);
                try {
                    ws.events.add(JSON.readTree(message));
                } catch (IOException | RuntimeException notJson) {
                    // raw only
                }
            }
            long delay = ws.readDelayMillis;
            if (delay > 0) {
                CompletableFuture.runAsync(
                        () -> webSocket.request(1), CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
            } else {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ws.closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ws.failed.complete(error);
            ws.closed.complete(new Closed(1006, String.valueOf(error)));
        }
    }

    // ---- a raw client: the handshake by hand ----

    /** A response to a hand-written upgrade request: status line, headers, and the body if any. */
    record RawResponse(int status, Map<String, String> headers, String body) {}

    /** A socket that sent an upgrade request to {@code pathAndQuery}; its response read. */
    static RawResponse rawHandshake(Socket s, String pathAndQuery, String... headers) throws IOException {
        StringBuilder req = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        req.append("\r\n");
        OutputStream out = s.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> h = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            h.put(
                    l.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    l.substring(colon + 1).trim());
        }
        String body = "";
        if (status != 101 && h.containsKey("content-length")) {
            body = new String(in.readNBytes(Integer.parseInt(h.get("content-length"))), StandardCharsets.UTF_8);
        }
        return new RawResponse(status, h, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** A masked client text frame (one frame, the whole message). */
    static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) payload.length >> (8 * i)) & 0xff);
            }
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }
}
