package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RealtimeTest {
    static final int DELTAS = 6;
    static final Duration PROMPTLY = Duration.ofSeconds(5);
    static FakeProvider provider;

    @BeforeAll
    static void start() {
        provider = FakeProvider.builder().deltas(DELTAS).start();
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @AfterEach
    void noSessionLeft() {
        await().atMost(PROMPTLY).until(() -> provider.openRealtimeSessions() == 0);
        assertThat(provider.leaks()).isEmpty();
    }

    static String userText(String text) {
        return "{\"type\":\"conversation.item.create\",\"event_id\":\"evt_item\",\"item\":{\"type\":\"message\","
                + "\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"" + text + "\"}]}}";
    }

    static String append(byte[] audio) {
        return "{\"type\":\"input_audio_buffer.append\",\"audio\":\""
                + Base64.getEncoder().encodeToString(audio) + "\"}";
    }

    static final String COMMIT = "{\"type\":\"input_audio_buffer.commit\"}";
    static final String RESPONSE_CREATE = "{\"type\":\"response.create\",\"event_id\":\"evt_resp\"}";

    static byte[] audio(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) bytes[i] = (byte) (i * 31 + seed);
        return bytes;
    }

    private RecordedRequest lastHandshake() {
        List<RecordedRequest> recent = provider.recentRequests();
        return recent.get(recent.size() - 1);
    }

    @Test
    void handshakeWithoutBearerIsRefused401AndRecorded() throws Exception {
        int before = provider.realtimeSessionsStarted();
        WebSocketHandshakeException refused = RealtimeClient.refusal(provider, "/v1/realtime?model=gpt-realtime");

        assertThat(refused.getResponse().statusCode()).isEqualTo(401);
        RecordedRequest handshake = lastHandshake();
        assertThat(handshake.method()).isEqualTo("GET");
        assertThat(handshake.path()).isEqualTo("/v1/realtime");
        assertThat(handshake.query()).isEqualTo("model=gpt-realtime");
        assertThat(handshake.header("upgrade")).hasValue("websocket");
        assertThat(provider.realtimeSessionsStarted()).isEqualTo(before);
    }

    @Test
    void handshakeWithBearerOpensASession() throws Exception {
        int before = provider.realtimeSessionsStarted();
        try (RealtimeClient client = RealtimeClient.connect(
                provider,
                "/realtime?model=gpt-realtime",
                "authorization",
                "Bearer sk-test",
                "openai-beta",
                "realtime=v1")) {
            JsonNode created = client.next();
            assertThat(created.path("type").asText()).isEqualTo("session.created");
            assertThat(created.path("event_id").asText()).isNotBlank();
            assertThat(created.path("session").path("id").asText()).startsWith("sess_");
            assertThat(created.path("session").path("model").asText()).isEqualTo("gpt-realtime");
            assertThat(provider.openRealtimeSessions()).isEqualTo(1);
            assertThat(provider.openConnections()).isEqualTo(1); // the upgraded connection still counts
            assertThat(provider.leaks()).singleElement().asString().contains("openRealtimeSessions=1");
            RecordedRequest handshake = lastHandshake();
            assertThat(handshake.path()).isEqualTo("/realtime");
            assertThat(handshake.header("authorization")).hasValue("Bearer sk-test");
            assertThat(handshake.header("openai-beta")).hasValue("realtime=v1");
        }
        assertThat(provider.realtimeSessionsStarted()).isEqualTo(before + 1);
    }

    @Test
    void azureNeedsApiKeyAndApiVersion() throws Exception {
        assertThat(RealtimeClient.refusal(provider, "/openai/realtime?deployment=rt&api-version=2025-04-01-preview")
                        .getResponse()
                        .statusCode())
                .isEqualTo(401);
        assertThat(RealtimeClient.refusal(provider, "/openai/realtime?deployment=rt", "api-key", "k")
                        .getResponse()
                        .statusCode())
                .isEqualTo(404);
        try (RealtimeClient client = RealtimeClient.connect(
                provider, "/openai/realtime?deployment=my-rt&api-version=2025-04-01-preview", "api-key", "azure-key")) {
            assertThat(client.next().path("session").path("model").asText()).isEqualTo("my-rt");
            assertThat(lastHandshake().header("api-key")).hasValue("azure-key");
            assertThat(lastHandshake().query()).contains("deployment=my-rt");
        }
    }

    @Test
    void missingModelIs400() throws Exception {
        assertThat(RealtimeClient.refusal(provider, "/v1/realtime", "authorization", "Bearer x")
                        .getResponse()
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void aResponseIsCreatedDeltasDoneInOrder() throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "gpt-realtime")) {
            client.next("session.created");
            client.send(userText("hello there"));
            JsonNode item = client.next();
            assertThat(item.path("type").asText()).isEqualTo("conversation.item.created");
            assertThat(item.path("item").path("id").asText()).isNotBlank();
            client.send(RESPONSE_CREATE);
            List<JsonNode> events = client.until("response.done");

            List<String> types =
                    events.stream().map(e -> e.path("type").asText()).toList();
            List<String> expected = new ArrayList<>();
            expected.add("response.created");
            for (int i = 0; i < DELTAS; i++) {
                expected.add("response.output_audio.delta");
                expected.add("response.output_audio_transcript.delta");
            }
            expected.addAll(
                    List.of("response.output_audio.done", "response.output_audio_transcript.done", "response.done"));
            assertThat(types).isEqualTo(expected);

            JsonNode created = events.get(0).path("response");
            assertThat(created.path("status").asText()).isEqualTo("in_progress");
            String responseId = created.path("id").asText();
            StringBuilder transcript = new StringBuilder();
            for (JsonNode event : events) {
                if (event.path("type").asText().startsWith("response.output_audio")) {
                    assertThat(event.path("response_id").asText()).isEqualTo(responseId);
                    assertThat(event.path("output_index").asInt(-1)).isZero();
                    assertThat(event.path("content_index").asInt(-1)).isZero();
                }
                if (event.path("type").asText().equals("response.output_audio_transcript.delta")) {
                    transcript.append(event.path("delta").asText());
                }
                if (event.path("type").asText().equals("response.output_audio.delta")) {
                    assertThat(Base64.getDecoder().decode(event.path("delta").asText()))
                            .hasSize(RealtimeSession.AUDIO_BYTES_PER_DELTA);
                }
            }
            JsonNode transcriptDone = events.get(events.size() - 2);
            assertThat(transcriptDone.path("transcript").asText())
                    .isEqualTo(transcript.toString())
                    .isNotBlank();
            JsonNode done = events.get(events.size() - 1).path("response");
            assertThat(done.path("id").asText()).isEqualTo(responseId);
            assertThat(done.path("status").asText()).isEqualTo("completed");
            assertThat(done.path("output")
                            .get(0)
                            .path("content")
                            .get(0)
                            .path("transcript")
                            .asText())
                    .isEqualTo(transcript.toString());
            JsonNode usage = done.path("usage");
            int textTokens = Tokens.ofChars("hello there".length());
            int audioOut = (DELTAS * RealtimeSession.AUDIO_BYTES_PER_DELTA + 999) / 1000;
            assertThat(usage.path("input_tokens").asInt()).isEqualTo(textTokens);
            assertThat(usage.path("input_token_details").path("text_tokens").asInt())
                    .isEqualTo(textTokens);
            assertThat(usage.path("input_token_details").path("audio_tokens").asInt())
                    .isZero();
            assertThat(usage.path("input_token_details").path("cached_tokens").asInt())
                    .isZero();
            assertThat(usage.path("output_token_details").path("text_tokens").asInt())
                    .isEqualTo(DELTAS);
            assertThat(usage.path("output_token_details").path("audio_tokens").asInt())
                    .isEqualTo(audioOut);
            assertThat(usage.path("output_tokens").asInt()).isEqualTo(DELTAS + audioOut);
            assertThat(usage.path("total_tokens").asInt()).isEqualTo(textTokens + DELTAS + audioOut);

            // a second response counts the first as cached input
            client.send(RESPONSE_CREATE);
            JsonNode second = client.next("response.done").path("response").path("usage");
            assertThat(second.path("input_token_details").path("cached_tokens").asInt())
                    .isEqualTo(textTokens);
            assertThat(second.path("input_tokens").asInt()).isGreaterThan(textTokens);
        }
    }

    /** Commits {@code audio}, adds {@code text}, and answers: the response's audio deltas decoded, and its usage. */
    private static List<Object> respond(byte[] audio, String text) throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "gpt-realtime")) {
            client.next("session.created");
            client.send(append(java.util.Arrays.copyOf(audio, audio.length / 2)));
            client.send(append(java.util.Arrays.copyOfRange(audio, audio.length / 2, audio.length)));
            client.send(COMMIT);
            JsonNode committed = client.next();
            assertThat(committed.path("type").asText()).isEqualTo("input_audio_buffer.committed");
            assertThat(committed.path("item_id").asText()).isNotBlank();
            client.send(userText(text));
            client.next("conversation.item.created");
            client.send(RESPONSE_CREATE);
            List<JsonNode> events = client.until("response.done");
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            StringBuilder transcript = new StringBuilder();
            for (JsonNode event : events) {
                if (event.path("type").asText().equals("response.output_audio.delta")) {
                    bytes.writeBytes(
                            Base64.getDecoder().decode(event.path("delta").asText()));
                }
                if (event.path("type").asText().equals("response.output_audio_transcript.delta")) {
                    transcript.append(event.path("delta").asText());
                }
            }
            return List.of(
                    bytes.toByteArray(),
                    events.get(events.size() - 1).path("response").path("usage"),
                    transcript.toString());
        }
    }

    @Test
    void audioTranscriptAndUsageAreDeterministic() throws Exception {
        byte[] input = audio(5_500, 7);
        List<Object> first = respond(input, "say it");
        List<Object> again = respond(input, "say it");
        List<Object> otherAudio = respond(audio(5_500, 8), "say it");
        List<Object> otherText = respond(input, "say it twice");

        assertThat((byte[]) again.get(0)).isEqualTo((byte[]) first.get(0));
        assertThat(again.get(1)).isEqualTo(first.get(1));
        assertThat(again.get(2)).isEqualTo(first.get(2));
        assertThat((byte[]) otherAudio.get(0)).isNotEqualTo((byte[]) first.get(0));
        assertThat((byte[]) otherText.get(0)).isNotEqualTo((byte[]) first.get(0));
        JsonNode usage = (JsonNode) first.get(1);
        assertThat(usage.path("input_token_details").path("audio_tokens").asInt())
                .isEqualTo(6); // 5,500 bytes / 1000 up
        assertThat(usage.path("input_token_details").path("text_tokens").asInt())
                .isEqualTo(Tokens.ofChars(6));
        assertThat(usage.path("input_tokens").asInt()).isEqualTo(6 + Tokens.ofChars(6));
    }

    @Test
    void unknownEventsAndBinaryFramesAreErrorsAndTheSessionGoesOn() throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "gpt-realtime")) {
            client.next("session.created");
            client.send("{\"type\":\"response.audio.delta\",\"event_id\":\"evt_42\"}");
            JsonNode error = client.next();
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("error").path("code").asText()).isEqualTo("unknown_event");
            assertThat(error.path("error").path("event_id").asText()).isEqualTo("evt_42");
            assertThat(error.path("error").path("message").asText()).contains("response.audio.delta");

            RealtimeClient.join(client.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true));
            assertThat(client.next().path("error").path("code").asText()).isEqualTo("binary_not_supported");

            client.send("not json");
            assertThat(client.next().path("error").path("code").asText()).isEqualTo("invalid_json");
            client.send(COMMIT);
            assertThat(client.next().path("error").path("code").asText()).isEqualTo("input_audio_buffer_commit_empty");

            client.send("{\"type\":\"session.update\",\"session\":{\"instructions\":\"be brief\"}}");
            JsonNode updated = client.next();
            assertThat(updated.path("type").asText()).isEqualTo("session.updated");
            assertThat(updated.path("session").path("instructions").asText()).isEqualTo("be brief");
            assertThat(updated.path("session").path("model").asText()).isEqualTo("gpt-realtime");
            assertThat(client.closed).isNotDone();
        }
    }

    @Test
    void anAppendPastTheBufferBoundIsAnError() throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "gpt-realtime")) {
            client.next("session.created");
            byte[] chunk = new byte[4 * 1024 * 1024];
            for (int i = 0; i < 3; i++) client.send(append(chunk));
            client.send(append(chunk)); // 16 MiB > 15 MiB
            JsonNode error = client.next();
            assertThat(error.path("error").path("code").asText()).isEqualTo("input_audio_buffer_too_large");
            client.send(COMMIT);
            assertThat(client.next().path("type").asText()).isEqualTo("input_audio_buffer.committed");
        }
    }

    private static void startResponse(RealtimeClient client) throws InterruptedException {
        client.next("session.created");
        client.send(userText("hello"));
        client.next("conversation.item.created");
        client.send(RESPONSE_CREATE);
        client.next("response.created");
    }

    private static int count(List<JsonNode> events, String type) {
        return (int) events.stream()
                .filter(e -> e.path("type").asText().equals(type))
                .count();
    }

    @Test
    void streamCutDropsTheConnectionWithoutACloseFrameAfterHalfTheDeltas() throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "fault-stream-cut")) {
            startResponse(client);
            // the fake's side of the session ends at once; the JDK client does not always notice a connection that
            // ended without a close frame (Sluice's relay pings its upstream for that), so it is not waited for here
            await().atMost(PROMPTLY).until(() -> provider.openRealtimeSessions() == 0);
            await().atMost(PROMPTLY)
                    .until(() -> count(new ArrayList<>(client.events), "response.output_audio.delta") == DELTAS / 2);
            Thread.sleep(200); // nothing more comes: the connection is gone
            List<JsonNode> events = new ArrayList<>(client.events);
            assertThat(count(events, "response.output_audio.delta")).isEqualTo(DELTAS / 2);
            assertThat(count(events, "response.done")).isZero();
            if (client.closed.isDone()) {
                assertThat(client.closed.get())
                        .as("no close frame: 1006, a code no frame may carry")
                        .isEqualTo(1006);
            }
        }
    }

    @Test
    void stallPausesAfterHalfTheDeltasThenGoesOn() throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "fault-stall", "x-fake-stall", "1500ms")) {
            startResponse(client);
            List<JsonNode> first = new ArrayList<>();
            for (int i = 0; i < DELTAS; i++) first.add(client.next());
            assertThat(count(first, "response.output_audio_transcript.delta")).isEqualTo(DELTAS / 2);
            long stalled = System.nanoTime();
            assertThat(client.quietFor(Duration.ofMillis(1000))).isTrue();
            List<JsonNode> rest = client.until("response.done");
            assertThat(Duration.ofNanos(System.nanoTime() - stalled)).isGreaterThan(Duration.ofMillis(1300));
            assertThat(count(rest, "response.output_audio.delta")).isEqualTo(DELTAS / 2);
        }
    }

    @Test
    void aClientLeavingDuringALongStallEndsTheSession() throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "fault-stall")) { // 30 s stall
            startResponse(client);
            for (int i = 0; i < DELTAS; i++) client.next();
            assertThat(client.quietFor(Duration.ofMillis(300))).isTrue();
            assertThat(provider.openRealtimeSessions()).isEqualTo(1);
        }
        await().atMost(PROMPTLY).until(() -> provider.openRealtimeSessions() == 0);
    }

    @Test
    void streamErrorSendsAServerErrorEventAndKeepsTheSession() throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "fault-stream-error")) {
            startResponse(client);
            List<JsonNode> events = client.until("response.done");
            assertThat(count(events, "response.output_audio.delta")).isEqualTo(DELTAS / 2);
            JsonNode error = events.get(events.size() - 2);
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo("server_error");
            assertThat(events.get(events.size() - 1)
                            .path("response")
                            .path("status")
                            .asText())
                    .isEqualTo("failed");

            client.send("{\"type\":\"session.update\",\"session\":{}}");
            assertThat(client.next().path("type").asText()).isEqualTo("session.updated");
            assertThat(client.closed).isNotDone();
            assertThat(client.failed).isNotDone();
        }
    }

    @Test
    void unavailableRefusesTheHandshakeWith503() throws Exception {
        int before = provider.realtimeSessionsStarted();
        WebSocketHandshakeException refused = RealtimeClient.refusal(
                provider, "/v1/realtime?model=fault-unavailable", "authorization", "Bearer sk-test");
        assertThat(refused.getResponse().statusCode()).isEqualTo(503);
        assertThat(refused.getResponse().headers().firstValue("retry-after")).hasValue("2");
        assertThat(RealtimeClient.refusal(provider, "/v1/realtime?model=fault-rate-limit", "authorization", "Bearer k")
                        .getResponse()
                        .statusCode())
                .isEqualTo(429);
        assertThat(RealtimeClient.refusal(provider, "/v1/realtime?model=fault-nonsense", "authorization", "Bearer k")
                        .getResponse()
                        .statusCode())
                .isEqualTo(400);
        assertThat(provider.realtimeSessionsStarted()).isEqualTo(before);
    }

    @Test
    void aSlowReaderFillsTheSendersWindowThenCatchesUp() throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "fault-slow-reader", "x-fake-stall", "3s")) {
            client.next("session.created");
            String big = append(new byte[768 * 1024]); // 1 MiB of base64
            int total = 48;
            AtomicInteger sent = new AtomicInteger();
            Thread sender = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < total; i++) {
                    client.socket.sendText(big, true).join();
                    sent.incrementAndGet();
                }
            });
            Thread.sleep(1500);
            assertThat(sent.get()).isLessThan(total);
            assertThat(client.events).isEmpty();
            sender.join(Duration.ofSeconds(20));
            assertThat(sent.get()).isEqualTo(total);
            client.send(COMMIT);
            assertThat(client.next("input_audio_buffer.committed")
                            .path("item_id")
                            .asText())
                    .isNotBlank();
        }
    }

    @Test
    void malformedSendsAFrameThatIsNotJsonMidResponse() throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "fault-malformed")) {
            startResponse(client);
            List<JsonNode> events = client.until("response.done");
            assertThat(count(events, "response.output_audio.delta")).isEqualTo(DELTAS);
            assertThat(client.raw)
                    .anySatisfy(text -> assertThat(text)
                            .startsWith("{\"type\":\"response.output_audio.delta\",\"delta\":")
                            .doesNotEndWith("}"));
        }
    }

    @Test
    void noTerminatorLeavesOutResponseDone() throws Exception {
        try (RealtimeClient client = RealtimeClient.openAi(provider, "fault-no-terminator")) {
            startResponse(client);
            client.until("response.output_audio_transcript.done");
            assertThat(client.quietFor(Duration.ofMillis(300))).isTrue();
        }
    }

    @Test
    void aResponseCanBeCancelledAndOnlyOneRunsAtATime() throws Exception {
        try (RealtimeClient client =
                RealtimeClient.openAi(provider, "gpt-realtime", "x-fake-delta-interval", "200ms")) {
            startResponse(client);
            client.send(RESPONSE_CREATE);
            JsonNode busy = client.next("error");
            assertThat(busy.path("error").path("code").asText()).isEqualTo("conversation_already_has_active_response");
            client.send("{\"type\":\"response.cancel\"}");
            List<JsonNode> events = client.until("response.done");
            assertThat(events.get(events.size() - 1)
                            .path("response")
                            .path("status")
                            .asText())
                    .isEqualTo("cancelled");
            assertThat(count(events, "response.output_audio.delta")).isLessThan(DELTAS);
            client.send("{\"type\":\"response.cancel\"}");
            assertThat(client.next().path("error").path("code").asText()).isEqualTo("response_cancel_not_active");
        }
    }

    @Test
    void closingTheProviderEndsOpenSessions() throws Exception {
        FakeProvider own = FakeProvider.builder().start();
        try (RealtimeClient client = RealtimeClient.openAi(own, "fault-slow-reader")) {
            client.next("session.created");
            own.close();
            assertThat(own.openRealtimeSessions()).isZero();
        } finally {
            own.close();
        }
    }
}
