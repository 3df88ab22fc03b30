package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One Realtime API session: JSON text events in, JSON text events out. The client's events are read one
 * at a time (explicit demand); a response is played on its own virtual thread, paced like the fake's
 * HTTP streams, while the client may go on sending events. State (the audio buffer, the conversation's
 * text and audio) is guarded by this object's monitor.
 *
 * <p>Answers are deterministic: the transcript's words are {@link Answer#of}'s for the conversation's
 * last user text and a hash of everything committed, the audio bytes come from a PRNG seeded by that
 * hash, and the usage counts the input: text tokens as {@link Tokens#ofChars}, audio tokens as bytes /
 * {@value #AUDIO_BYTES_PER_TOKEN} rounded up.
 */
public final class RealtimeSession implements Session.Listener {
    private static final System.Logger LOG = System.getLogger(RealtimeSession.class.getName());
    /** Most bytes the input audio buffer holds; an append past it is refused with an error event. */
    static final int MAX_AUDIO_BUFFER_BYTES = 15 * 1024 * 1024;

    static final int AUDIO_BYTES_PER_TOKEN = 1000;
    /** Bytes of each output audio delta: 50 ms of 24 kHz 16-bit mono PCM. */
    static final int AUDIO_BYTES_PER_DELTA = 2400;
    /** How often a blocked send checks whether the session ended. */
    private static final Duration POLL = Duration.ofMillis(50);

    private final Realtime realtime;
    private final String id;
    private final String model;
    private final Fault fault;
    private final Plan plan;
    private final String idPrefix;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Session session;

    // guarded by this
    private final ObjectNode config;
    private final ByteArrayOutputStream audioBuffer = new ByteArrayOutputStream();
    private long counter;
    private long conversationChars;
    private long conversationAudioBytes;
    private String lastUserText = "";
    private long digest = 0xcbf29ce484222325L;
    private String lastItemId;
    private int previousInputTokens;
    private Response responding;

    RealtimeSession(Realtime realtime, String id, String model, Fault fault, Plan plan) {
        this.realtime = realtime;
        this.id = id;
        this.model = model;
        this.fault = fault;
        this.plan = plan;
        this.idPrefix = id.substring("sess_fake_".length());
        this.config = Json.object();
        config.put("id", id)
                .put("object", "realtime.session")
                .put("type", "realtime")
                .put("model", model);
        config.putArray("output_modalities").add("audio");
        config.put("instructions", "");
        ObjectNode audio = config.putObject("audio");
        audio.putObject("input").putObject("format").put("type", "audio/pcm").put("rate", 24000);
        audio.putObject("output")
                .put("voice", "alloy")
                .putObject("format")
                .put("type", "audio/pcm")
                .put("rate", 24000);
    }

    /** A response being played: its ids, and the latch that stops it (cancel or session end). */
    private record Response(String id, String itemId, CountDownLatch stop) {}

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        realtime.opened(this);
        ObjectNode created = event("session.created");
        synchronized (this) {
            created.set("session", config.deepCopy());
        }
        send(created);
        if (fault == Fault.SLOW_READER) {
            realtime.threads().execute(() -> {
                if (!awaitClosed(plan.stall())) session.demand();
            });
        } else {
            session.demand();
        }
    }

    @Override
    public void onWebSocketText(String message) {
        try {
            handle(message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "fake realtime session " + id + " failed on an event", e);
            sendError("server_error", "server_error", "fake provider bug: " + e, null);
        } finally {
            demand();
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        sendError(
                "invalid_request_error",
                "binary_not_supported",
                "Binary frames are not supported; send JSON events as text frames.",
                null);
        demand();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        end();
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.log(Level.DEBUG, "fake realtime session " + id + " error", cause);
        end();
    }

    /** Drops the connection without a close frame. */
    void disconnect() {
        Session s = session;
        if (s != null) s.disconnect();
    }

    private void end() {
        if (!ended.compareAndSet(false, true)) return;
        closed.countDown();
        synchronized (this) {
            if (responding != null) responding.stop().countDown();
        }
        realtime.closed(this);
    }

    private void demand() {
        Session s = session;
        if (s != null && s.isOpen()) s.demand();
    }

    private void handle(String message) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(message);
        } catch (IOException e) {
            sendError("invalid_request_error", "invalid_json", "The event is not valid JSON.", null);
            return;
        }
        if (root == null || !root.isObject()) {
            sendError("invalid_request_error", "invalid_json", "The event must be a JSON object.", null);
            return;
        }
        String clientEventId =
                root.path("event_id").isTextual() ? root.path("event_id").asText() : null;
        JsonNode type = root.path("type");
        if (!type.isTextual()) {
            sendError("invalid_request_error", "missing_type", "The event has no string 'type'.", clientEventId);
            return;
        }
        switch (type.asText()) {
            case "session.update" -> sessionUpdate(root, clientEventId);
            case "input_audio_buffer.append" -> append(root, clientEventId);
            case "input_audio_buffer.commit" -> commit(clientEventId);
            case "input_audio_buffer.clear" -> clear();
            case "conversation.item.create" -> createItem(root, clientEventId);
            case "response.create" -> createResponse(clientEventId);
            case "response.cancel" -> cancelResponse(clientEventId);
            default ->
                sendError(
                        "invalid_request_error",
                        "unknown_event",
                        "Invalid value: '" + type.asText() + "'. Unknown client event type.",
                        clientEventId);
        }
    }

    private void sessionUpdate(JsonNode root, String clientEventId) {
        JsonNode update = root.path("session");
        if (!update.isObject()) {
            sendError(
                    "invalid_request_error",
                    "missing_required_parameter",
                    "Missing required parameter: 'session'.",
                    clientEventId);
            return;
        }
        ObjectNode updated = event("session.updated");
        synchronized (this) {
            ObjectNode changes = ((ObjectNode) update).deepCopy();
            changes.remove(List.of("id", "object", "model"));
            config.setAll(changes);
            updated.set("session", config.deepCopy());
        }
        send(updated);
    }

    private void append(JsonNode root, String clientEventId) {
        JsonNode audio = root.path("audio");
        if (!audio.isTextual()) {
            sendError(
                    "invalid_request_error",
                    "missing_required_parameter",
                    "Missing required parameter: 'audio'.",
                    clientEventId);
            return;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(audio.asText());
        } catch (IllegalArgumentException e) {
            sendError(
                    "invalid_request_error",
                    "invalid_value",
                    "'audio' is not valid base64: " + e.getMessage(),
                    clientEventId);
            return;
        }
        synchronized (this) {
            if (audioBuffer.size() + (long) bytes.length > MAX_AUDIO_BUFFER_BYTES) {
                sendError(
                        "invalid_request_error",
                        "input_audio_buffer_too_large",
                        "The input audio buffer holds at most "
                                + MAX_AUDIO_BUFFER_BYTES + " bytes; it has " + audioBuffer.size()
                                + " and the append brings "
                                + bytes.length + ".",
                        clientEventId);
                return;
            }
            audioBuffer.writeBytes(bytes);
        }
    }

    private void commit(String clientEventId) {
        ObjectNode committed = event("input_audio_buffer.committed");
        synchronized (this) {
            if (audioBuffer.size() == 0) {
                sendError(
                        "invalid_request_error",
                        "input_audio_buffer_commit_empty",
                        "Error committing input audio buffer: the buffer is empty.",
                        clientEventId);
                return;
            }
            byte[] audio = audioBuffer.toByteArray();
            audioBuffer.reset();
            String itemId = nextId("item");
            committed.put("previous_item_id", lastItemId).put("item_id", itemId);
            lastItemId = itemId;
            conversationAudioBytes += audio.length;
            hash(audio);
        }
        send(committed);
    }

    private void clear() {
        synchronized (this) {
            audioBuffer.reset();
        }
        send(event("input_audio_buffer.cleared"));
    }

    private void createItem(JsonNode root, String clientEventId) {
        JsonNode item = root.path("item");
        if (!item.isObject()
                || !"message".equals(item.path("type").asText())
                || !item.path("content").isArray()) {
            sendError(
                    "invalid_request_error",
                    "invalid_value",
                    "'item' must be a message with a 'content' array.",
                    clientEventId);
            return;
        }
        String role = item.path("role").asText("user");
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        for (JsonNode part : item.path("content")) {
            String partType = part.path("type").asText("");
            if ((partType.equals("input_text") || partType.equals("text"))
                    && part.path("text").isTextual()) {
                text.append(part.path("text").asText());
            } else if (partType.equals("input_audio") && part.path("audio").isTextual()) {
                try {
                    audio.writeBytes(
                            Base64.getDecoder().decode(part.path("audio").asText()));
                } catch (IllegalArgumentException e) {
                    sendError(
                            "invalid_request_error",
                            "invalid_value",
                            "'audio' is not valid base64: " + e.getMessage(),
                            clientEventId);
                    return;
                }
            }
        }
        ObjectNode created = event("conversation.item.created");
        synchronized (this) {
            String itemId = item.path("id").isTextual() ? item.path("id").asText() : nextId("item");
            ObjectNode stored = ((ObjectNode) item).deepCopy();
            stored.put("id", itemId)
                    .put("object", "realtime.item")
                    .put("status", "completed")
                    .put("role", role);
            created.put("previous_item_id", lastItemId);
            created.set("item", stored);
            lastItemId = itemId;
            conversationChars += text.length();
            conversationAudioBytes += audio.size();
            hash(text.toString().getBytes(StandardCharsets.UTF_8));
            hash(audio.toByteArray());
            if (role.equals("user") && !text.isEmpty()) lastUserText = text.toString();
        }
        send(created);
    }

    private void createResponse(String clientEventId) {
        Response response;
        Snapshot input;
        ObjectNode created = event("response.created");
        synchronized (this) {
            if (responding != null) {
                sendError(
                        "invalid_request_error",
                        "conversation_already_has_active_response",
                        "Conversation already has an active response in progress: " + responding.id() + ".",
                        clientEventId);
                return;
            }
            response = new Response(nextId("resp"), nextId("item"), new CountDownLatch(1));
            responding = response;
            input = new Snapshot(conversationChars, conversationAudioBytes, lastUserText, digest, previousInputTokens);
            ObjectNode body = created.putObject("response");
            body.put("id", response.id()).put("object", "realtime.response").put("status", "in_progress");
            body.putArray("output");
            body.putNull("usage");
        }
        send(created);
        realtime.threads().execute(() -> play(response, input));
    }

    private void cancelResponse(String clientEventId) {
        synchronized (this) {
            if (responding == null) {
                sendError(
                        "invalid_request_error",
                        "response_cancel_not_active",
                        "Cancellation failed: no active response found.",
                        clientEventId);
                return;
            }
            responding.stop().countDown();
        }
    }

    /** The conversation as a response found it. */
    private record Snapshot(long chars, long audioBytes, String lastUserText, long digest, int previousInputTokens) {
        int textTokens() {
            return chars == 0 ? 0 : Tokens.ofChars(chars);
        }

        int audioTokens() {
            return audioTokens(audioBytes);
        }

        static int audioTokens(long bytes) {
            return (int) Math.min(Integer.MAX_VALUE, (bytes + AUDIO_BYTES_PER_TOKEN - 1) / AUDIO_BYTES_PER_TOKEN);
        }
    }

    /**
     * Plays a response: audio and transcript deltas in pairs (the first after the time to first token,
     * the others a delta interval apart), the done events and {@code response.done}. After half the deltas
     * (or {@code -at-<N>}: N, at most all) the session's fault strikes: stream-cut drops the connection,
     * stall pauses, stream-error sends an error event and a failed {@code response.done}, malformed and
     * malformed-event send a text frame that is not JSON.
     */
    private void play(Response response, Snapshot input) {
        try {
            String seed = input.lastUserText() + "#" + Long.toHexString(input.digest());
            int textTokens = input.textTokens();
            int inputTokens = textTokens + input.audioTokens();
            Conversation c = new Conversation(
                    model,
                    true,
                    Integer.MAX_VALUE,
                    seed,
                    Optional.empty(),
                    List.of(),
                    new Tokens.Prompt(inputTokens, 0, 0, false),
                    true,
                    false,
                    input.digest(),
                    false);
            List<String> words = Answer.of(c, plan.deltas(), false).text();
            int strikeAt = plan.strikeAt(words.size());
            long audioBytes = 0;
            for (int i = 0; i <= words.size(); i++) {
                if (i == strikeAt) {
                    switch (fault) {
                        case STREAM_CUT -> {
                            disconnect();
                            return;
                        }
                        case STALL -> {
                            if (await(response, plan.stall())) return;
                        }
                        case STREAM_ERROR -> {
                            sendError("server_error", "server_error", ErrorKind.SERVER_ERROR.defaultMessage, null);
                            ObjectNode done = responseDone(response, "failed", List.of(), "", 0, input, 0);
                            ((ObjectNode) done.path("response"))
                                    .putObject("status_details")
                                    .put("type", "failed")
                                    .putObject("error")
                                    .put("type", "server_error")
                                    .put("code", "server_error");
                            sendAndWait(done);
                            return;
                        }
                        case MALFORMED, MALFORMED_EVENT ->
                            sendRawAndWait("{\"type\":\"response.output_audio.delta\",\"delta\":");
                        default -> {}
                    }
                }
                if (i == words.size()) break;
                if (await(response, i == 0 ? plan.ttft() : plan.deltaInterval())) {
                    cancelled(response, words.subList(0, i), input, audioBytes);
                    return;
                }
                byte[] audio = audio(input.digest(), i);
                audioBytes += audio.length;
                ObjectNode audioDelta = event("response.output_audio.delta");
                parts(audioDelta, response).put("delta", Base64.getEncoder().encodeToString(audio));
                sendAndWait(audioDelta);
                ObjectNode transcriptDelta = event("response.output_audio_transcript.delta");
                parts(transcriptDelta, response).put("delta", words.get(i));
                sendAndWait(transcriptDelta);
            }
            String transcript = String.join("", words);
            sendAndWait(parts(event("response.output_audio.done"), response));
            sendAndWait(parts(event("response.output_audio_transcript.done"), response)
                    .put("transcript", transcript));
            if (fault == Fault.NO_TERMINATOR) return;
            ObjectNode done = responseDone(response, "completed", words, transcript, words.size(), input, audioBytes);
            remember(transcript, audioBytes, inputTokens);
            sendAndWait(done);
        } catch (Gone gone) {
            LOG.log(Level.DEBUG, "fake realtime session " + id + " ended mid-response", gone);
        } finally {
            synchronized (this) {
                if (responding == response) responding = null;
            }
        }
    }

    private void cancelled(Response response, List<String> words, Snapshot input, long audioBytes) {
        if (closed.getCount() == 0) return;
        sendAndWait(
                responseDone(response, "cancelled", words, String.join("", words), words.size(), input, audioBytes));
    }

    /** A completed response's output joins the conversation: the next response's input, its prefix cached. */
    private void remember(String transcript, long audioBytes, int inputTokens) {
        synchronized (this) {
            conversationChars += transcript.length();
            conversationAudioBytes += audioBytes;
            previousInputTokens = inputTokens;
        }
    }

    private ObjectNode responseDone(
            Response response,
            String status,
            List<String> words,
            String transcript,
            int textTokens,
            Snapshot input,
            long audioBytes) {
        ObjectNode done = event("response.done");
        ObjectNode body = done.putObject("response");
        body.put("id", response.id()).put("object", "realtime.response").put("status", status);
        ArrayNode output = body.putArray("output");
        if (!words.isEmpty()) {
            ObjectNode item = output.addObject();
            item.put("id", response.itemId())
                    .put("object", "realtime.item")
                    .put("type", "message")
                    .put("status", status.equals("completed") ? "completed" : "incomplete")
                    .put("role", "assistant");
            item.putArray("content").addObject().put("type", "output_audio").put("transcript", transcript);
        }
        int inputText = input.textTokens();
        int inputAudio = input.audioTokens();
        int outputAudio = Snapshot.audioTokens(audioBytes);
        int inputTokens = inputText + inputAudio;
        int outputTokens = textTokens + outputAudio;
        ObjectNode usage = body.putObject("usage");
        usage.put("total_tokens", inputTokens + outputTokens)
                .put("input_tokens", inputTokens)
                .put("output_tokens", outputTokens);
        usage.putObject("input_token_details")
                .put("text_tokens", inputText)
                .put("audio_tokens", inputAudio)
                .put("cached_tokens", Math.min(input.previousInputTokens(), inputTokens));
        usage.putObject("output_token_details").put("text_tokens", textTokens).put("audio_tokens", outputAudio);
        return done;
    }

    /** The content part's coordinates every response delta and done event carries. */
    private static ObjectNode parts(ObjectNode event, Response response) {
        return event.put("response_id", response.id())
                .put("item_id", response.itemId())
                .put("output_index", 0)
                .put("content_index", 0);
    }

    /** The {@code index}th delta's audio: {@value #AUDIO_BYTES_PER_DELTA} bytes from a PRNG seeded by the input. */
    static byte[] audio(long digest, int index) {
        byte[] bytes = new byte[AUDIO_BYTES_PER_DELTA];
        long state = digest * 0x9E3779B97F4A7C15L + index;
        for (int i = 0; i < bytes.length; i += 8) {
            state = Answer.next(state);
            long bits = Answer.mix(state);
            for (int b = 0; b < 8 && i + b < bytes.length; b++) bytes[i + b] = (byte) (bits >>> (8 * b));
        }
        return bytes;
    }

    /** Waits {@code duration}; true when the response was stopped (cancelled, or the session ended). */
    private static boolean await(Response response, Duration duration) {
        if (duration.isZero()) return response.stop().getCount() == 0;
        try {
            Duration wait = duration.compareTo(Exchange.LONGEST_WAIT) > 0 ? Exchange.LONGEST_WAIT : duration;
            return response.stop().await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Gone("interrupted while waiting", e);
        }
    }

    /** Waits {@code duration}; true when the session ended meanwhile. */
    private boolean awaitClosed(Duration duration) {
        try {
            Duration wait = duration.compareTo(Exchange.LONGEST_WAIT) > 0 ? Exchange.LONGEST_WAIT : duration;
            return closed.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private synchronized String nextId(String kind) {
        return kind + "_fake_" + idPrefix + "_" + (++counter);
    }

    private ObjectNode event(String type) {
        return Json.object().put("type", type).put("event_id", nextId("event"));
    }

    /** FNV-1a over everything committed, in order: the seed of the answer. */
    private void hash(byte[] bytes) {
        for (byte b : bytes) {
            digest ^= b & 0xff;
            digest *= 0x100000001b3L;
        }
        digest ^= 0xff; // a separator, so item boundaries count
        digest *= 0x100000001b3L;
    }

    private void sendError(String type, String code, String message, String clientEventId) {
        send(error(type, code, message, clientEventId));
    }

    private ObjectNode error(String type, String code, String message, String clientEventId) {
        ObjectNode event = event("error");
        event.putObject("error")
                .put("type", type)
                .put("code", code)
                .put("message", message)
                .putNull("param")
                .put("event_id", clientEventId);
        return event;
    }

    /** Sends without waiting (from Jetty's thread, answering a client event). */
    private void send(ObjectNode event) {
        Session s = session;
        if (s == null || !s.isOpen()) return;
        s.sendText(
                Json.write(event),
                Callback.from(
                        () -> {},
                        failure -> LOG.log(Level.DEBUG, "fake realtime session " + id + ": send failed", failure)));
    }

    private void sendAndWait(ObjectNode event) {
        sendRawAndWait(Json.write(event));
    }

    /** Sends and waits until written (a client that does not read holds the response here), or throws {@link Gone}. */
    private void sendRawAndWait(String text) {
        Session s = session;
        if (s == null || !s.isOpen() || closed.getCount() == 0) throw new Gone("session closed", null);
        CompletableFuture<Void> written = new CompletableFuture<>();
        s.sendText(text, Callback.from(() -> written.complete(null), written::completeExceptionally));
        while (true) {
            try {
                written.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                if (closed.getCount() == 0) throw new Gone("session closed while sending", null);
            } catch (ExecutionException e) {
                throw new Gone("send failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Gone("interrupted while sending", e);
            }
        }
    }
}
