package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Realtime relay end to end with the JDK WebSocket client: a whole response relayed as the fake sends it
 * directly, usage per key, the access log, /system/stats and /system/resources, both ways of giving the key,
 * binary frames, and the session limits (per key 429, global 503, a closed session letting the next in).
 */
@LeakChecked
class RealtimeRelayTest {

    static final String ADMIN = "admin-secret-for-tests";
    static final int DELTAS = 6;

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(DELTAS).deltaInterval(Duration.ofMillis(2)));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.mode",
            "keys",
            "auth.admin-key",
            ADMIN,
            "auth.failure-limit",
            "1000",
            "usage.flush-interval",
            "100ms",
            "usage.prices",
            "gpt-realtime=4/16/0.4",
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "routes.gpt-realtime.targets",
            "oai:gpt-realtime",
            "realtime.max-sessions",
            "3",
            "realtime.max-sessions-per-key",
            "2");

    private static final Logger ACCESS = Logger.getLogger("sluice.access");
    private static final AccessLogTap ACCESS_TAP = new AccessLogTap();
    private static final ConcurrentLinkedQueue<String> ACCESS_LINES = ACCESS_TAP.lines;

    @BeforeAll
    static void tapAccessLog() {
        ACCESS.addHandler(ACCESS_TAP);
    }

    @AfterAll
    static void untap() {
        ACCESS.removeHandler(ACCESS_TAP);
    }

    @AfterEach
    void bothSidesClosed() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(FAKE.provider().openRealtimeSessions()).isZero();
            assertThat(SLUICE.sluice().leaks()).isEmpty();
        });
    }

    static JsonNode createKey(String body) throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/admin/keys",
                body,
                "authorization",
                "Bearer " + ADMIN,
                "content-type",
                "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return RealtimeWs.JSON.readTree(r.body());
    }

    static JsonNode stats() throws Exception {
        return RealtimeWs.JSON
                .readTree(Http.get(SLUICE.baseUri(), "/system/stats").body())
                .path("realtime");
    }

    static List<String> resourceLines() throws Exception {
        JsonNode r = RealtimeWs.JSON.readTree(
                Http.get(SLUICE.baseUri(), "/system/resources").body());
        List<String> lines = new ArrayList<>();
        for (JsonNode n : r.path("resources")) {
            if (n.path("kind").asText().startsWith("realtime")) {
                lines.add(
                        n.path("kind").asText().equals("realtime-session")
                                ? n.path("name").asText()
                                : n.path("kind").asText() + " " + n.path("name").asText() + " size="
                                        + n.path("size").asText());
            }
        }
        return lines;
    }

    @Test
    void aWholeResponseIsRelayedAsTheFakeSendsItWithUsageAccessLogAndStats() throws Exception {
        JsonNode created = createKey("{\"name\":\"rt-metered\"}");
        String key = created.path("key").asText();
        byte[] input = new byte[5_500];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 31 + 7);
        }
        List<JsonNode> direct;
        try (RealtimeWs ws = RealtimeWs.connect(
                FAKE.baseUri(), "/v1/realtime?model=gpt-realtime", List.of(), "authorization", "Bearer sk-direct")) {
            direct = conversation(ws, input);
        }
        long openedBefore = stats().path("opened").asLong();
        List<JsonNode> relayed;
        try (RealtimeWs ws = RealtimeWs.connect(
                SLUICE.baseUri(),
                "/v1/realtime?model=gpt-realtime",
                List.of(),
                "authorization",
                "Bearer " + key,
                "x-request-id",
                "rt-relay-1")) {
            relayed = conversation(ws, input);
            // while open: stats and resources show the session
            JsonNode s = stats();
            assertThat(s.path("open").asInt()).isEqualTo(1);
            assertThat(s.path("permitsInUse").asInt()).isEqualTo(1);
            assertThat(s.path("keys").asInt()).isEqualTo(1);
            assertThat(s.path("opened").asLong()).isEqualTo(openedBefore + 1);
            assertThat(s.path("framesIn").asLong()).isPositive();
            assertThat(s.path("framesOut").asLong()).isPositive();
            assertThat(resourceLines())
                    .as("resources")
                    .anySatisfy(l -> assertThat(l).startsWith("realtime-sessions open sessions size=1"))
                    .anySatisfy(l -> assertThat(l)
                            .startsWith("realtime-session rt_")
                            .contains("_rt-relay-1 ")
                            .contains("key=" + created.path("id").asText())
                            .contains("model=gpt-realtime")
                            .contains("target=oai/gpt-realtime")
                            .containsPattern("queued=\\d+B/\\d+B"));
        }
        // the same input gives the same events, audio and transcript through Sluice as directly
        assertThat(RealtimeWs.types(relayed)).isEqualTo(RealtimeWs.types(direct));
        assertThat(RealtimeWs.types(relayed))
                .startsWith(
                        "session.created",
                        "input_audio_buffer.committed",
                        "conversation.item.created",
                        "response.created")
                .endsWith("response.output_audio.done", "response.output_audio_transcript.done", "response.done");
        byte[] audio = RealtimeWs.audio(relayed);
        assertThat(audio).hasSize(DELTAS * 2400).isEqualTo(RealtimeWs.audio(direct));
        String transcript = RealtimeWs.transcript(relayed);
        assertThat(transcript).isNotBlank().isEqualTo(RealtimeWs.transcript(direct));
        JsonNode done = relayed.get(relayed.size() - 1).path("response");
        assertThat(done.path("status").asText()).isEqualTo("completed");
        JsonNode usage = done.path("usage");
        assertThat(usage)
                .isEqualTo(direct.get(direct.size() - 1).path("response").path("usage"));

        // usage for the key once the session ended
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> u = Http.get(
                    SLUICE.baseUri(),
                    "/admin/usage?key=" + created.path("id").asText(),
                    "authorization",
                    "Bearer " + ADMIN);
            assertThat(u.statusCode()).as(u.body()).isEqualTo(200);
            JsonNode totals = RealtimeWs.JSON.readTree(u.body()).path("totals");
            assertThat(totals.path("requests").asLong()).as(u.body()).isEqualTo(1);
            assertThat(totals.path("output_tokens").asLong())
                    .isEqualTo(usage.path("output_tokens").asLong());
            assertThat(totals.path("input_tokens").asLong())
                    .isEqualTo(usage.path("input_tokens").asLong());
        });
        await().atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(ACCESS_LINES)
                        .anySatisfy(l -> assertThat(l)
                                .contains("id=rt-relay-1 ")
                                .contains("/v1/realtime")
                                .contains(" status=101 ")
                                .containsPattern(" close=1000 close_reason=\"[^\"]*\" ")
                                .contains("outcome=SUCCESS")));
        JsonNode after = stats();
        assertThat(after.path("open").asInt()).isZero();
        assertThat(after.path("permitsInUse").asInt()).isZero();
        assertThat(after.path("closes").path("1000").asLong()).isPositive();
        assertThat(resourceLines()).containsExactly("realtime-sessions open sessions size=0");
        String metrics = Http.get(SLUICE.baseUri(), "/metrics").body();
        assertThat(metrics)
                .contains("sluice_realtime_sessions_open")
                .contains("sluice_realtime_frames")
                .contains("sluice_realtime_closes");
    }

    /** Audio appended in two parts, committed, a text item, a response: every event of the session. */
    private static List<JsonNode> conversation(RealtimeWs ws, byte[] input) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        events.add(ws.next("session.created"));
        ws.send(RealtimeWs.append(java.util.Arrays.copyOf(input, input.length / 2)));
        ws.send(RealtimeWs.append(java.util.Arrays.copyOfRange(input, input.length / 2, input.length)));
        ws.send(RealtimeWs.COMMIT);
        events.add(ws.next());
        ws.send(RealtimeWs.userText("say it"));
        events.add(ws.next());
        ws.send(RealtimeWs.RESPONSE_CREATE);
        events.addAll(ws.until("response.done"));
        return events;
    }

    /**
     * Two responses in one session: the fake reports the second's input as cached up to the first's input
     * ({@code input_token_details.cached_tokens}). The session's usage record sums both: uncached input as
     * input tokens, cached as cache reads, and its cost is priced by {@code usage.prices} (4 / 16 / 0.4 USD
     * per million tokens), the cached tokens at the cache-read price.
     */
    @Test
    void aSessionsUsageIsPricedWithItsCachedInputAsCacheReads() throws Exception {
        JsonNode created = createKey("{\"name\":\"rt-priced\"}");
        String key = created.path("key").asText();
        List<JsonNode> usages = new ArrayList<>();
        try (RealtimeWs ws = RealtimeWs.open(SLUICE.baseUri(), key, "gpt-realtime")) {
            List<JsonNode> first = ws.respond("say something");
            usages.add(first.get(first.size() - 1).path("response").path("usage"));
            ws.send(RealtimeWs.userText("and something more"));
            ws.next("conversation.item.created");
            ws.send(RealtimeWs.RESPONSE_CREATE);
            List<JsonNode> second = ws.until("response.done");
            usages.add(second.get(second.size() - 1).path("response").path("usage"));
        }
        long input = 0;
        long cached = 0;
        long output = 0;
        for (JsonNode u : usages) {
            long c = u.path("input_token_details").path("cached_tokens").asLong();
            input += u.path("input_tokens").asLong() - c;
            cached += c;
            output += u.path("output_tokens").asLong();
        }
        assertThat(usages.get(0)
                        .path("input_token_details")
                        .path("cached_tokens")
                        .asLong())
                .as("nothing before the first response to cache")
                .isZero();
        assertThat(cached)
                .as("the fake reports the second response's input as cached")
                .isPositive();
        assertThat(input).isPositive();
        assertThat(output).isPositive();
        long expectedCost = java.math.BigDecimal.valueOf(input * 4_000_000L + output * 16_000_000L + cached * 400_000L)
                .divide(java.math.BigDecimal.valueOf(1_000_000), 0, java.math.RoundingMode.HALF_UP)
                .longValueExact();
        long allAsInput = (input + cached) * 4 + output * 16;
        assertThat(expectedCost).as("cache reads priced apart from input").isNotEqualTo(allAsInput);
        long in = input;
        long cr = cached;
        long out = output;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> u = Http.get(
                    SLUICE.baseUri(),
                    "/admin/usage?key=" + created.path("id").asText(),
                    "authorization",
                    "Bearer " + ADMIN);
            assertThat(u.statusCode()).as(u.body()).isEqualTo(200);
            JsonNode totals = RealtimeWs.JSON.readTree(u.body()).path("totals");
            assertThat(totals.path("requests").asLong()).as(u.body()).isEqualTo(1);
            assertThat(totals.path("input_tokens").asLong()).as(u.body()).isEqualTo(in);
            assertThat(totals.path("cache_read_tokens").asLong()).as(u.body()).isEqualTo(cr);
            assertThat(totals.path("output_tokens").asLong()).as(u.body()).isEqualTo(out);
            assertThat(totals.path("cost_micros").asLong()).as(u.body()).isEqualTo(expectedCost);
        });
    }

    @Test
    void theKeyAsSubprotocolWorksAndOnlyRealtimeIsEchoed() throws Exception {
        String key = createKey("{\"name\":\"browser\"}").path("key").asText();
        try (RealtimeWs ws = RealtimeWs.connect(
                SLUICE.baseUri(),
                "/v1/realtime?model=gpt-realtime",
                List.of("realtime", "openai-insecure-api-key." + key))) {
            assertThat(ws.socket.getSubprotocol()).isEqualTo("realtime");
            List<JsonNode> events = ws.respond("hello");
            assertThat(RealtimeWs.transcript(events)).isNotBlank();
        }
        // the key reached Sluice only: the fake got the provider's key
        List<dev.sluice.fake.RecordedRequest> recent = FAKE.provider().recentRequests();
        dev.sluice.fake.RecordedRequest handshake = recent.get(recent.size() - 1);
        assertThat(handshake.path()).isEqualTo("/v1/realtime");
        assertThat(handshake.header("authorization")).hasValue("Bearer sk-oai");
        assertThat(handshake.headers().toString()).doesNotContain(key);
    }

    @Test
    void aBinaryFrameIsRelayedAndTheFakesErrorComesBack() throws Exception {
        String key = createKey("{\"name\":\"binary\"}").path("key").asText();
        try (RealtimeWs ws = RealtimeWs.open(SLUICE.baseUri(), key, "gpt-realtime")) {
            ws.next("session.created");
            RealtimeWs.join(ws.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true));
            JsonNode error = ws.next();
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("code").asText()).isEqualTo("binary_not_supported");
            ws.send("{\"type\":\"session.update\",\"session\":{}}");
            assertThat(ws.next().path("type").asText()).isEqualTo("session.updated");
            assertThat(ws.closed).isNotDone();
        }
    }

    @Test
    void perKeyAndGlobalSessionLimitsAndAClosedSessionLetsTheNextIn() throws Exception {
        String a = createKey("{\"name\":\"limit-a\"}").path("key").asText();
        String b = createKey("{\"name\":\"limit-b\"}").path("key").asText();
        List<RealtimeWs> open = new ArrayList<>();
        try {
            open.add(RealtimeWs.open(SLUICE.baseUri(), a, "gpt-realtime"));
            open.add(RealtimeWs.open(SLUICE.baseUri(), a, "gpt-realtime"));
            for (RealtimeWs ws : open) {
                ws.next("session.created");
            }
            WebSocketHandshakeException perKey = RealtimeWs.refusal(
                    SLUICE.baseUri(), "/v1/realtime?model=gpt-realtime", List.of(), "authorization", "Bearer " + a);
            assertThat(perKey.getResponse().statusCode()).isEqualTo(429);
            JsonNode body = RealtimeWs.body(perKey);
            assertThat(body.path("error").path("type").asText()).isEqualTo("requests"); // OpenAI's type for rate limits
            assertThat(body.path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(body.path("error").path("message").asText()).contains("realtime.max-sessions-per-key");
            assertThat(perKey.getResponse().headers().firstValue("retry-after")).isPresent();

            open.add(RealtimeWs.open(SLUICE.baseUri(), b, "gpt-realtime"));
            open.get(2).next("session.created");
            WebSocketHandshakeException global = RealtimeWs.refusal(
                    SLUICE.baseUri(), "/v1/realtime?model=gpt-realtime", List.of(), "authorization", "Bearer " + b);
            assertThat(global.getResponse().statusCode()).isEqualTo(503);
            assertThat(RealtimeWs.body(global).path("error").path("type").asText())
                    .isEqualTo("server_error");
            assertThat(RealtimeWs.body(global).path("error").path("message").asText())
                    .contains("realtime.max-sessions");
            assertThat(FAKE.provider().openRealtimeSessions()).isEqualTo(3);
            assertThat(stats().path("refused").path("max-sessions").asLong()).isPositive();
            assertThat(stats().path("refused").path("max-sessions-per-key").asLong())
                    .isPositive();

            open.remove(0).close(); // key a's first: a global slot and a slot of a's free again
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> stats().path("open").asInt() == 2);
            RealtimeWs next = RealtimeWs.open(SLUICE.baseUri(), a, "gpt-realtime");
            open.add(next);
            assertThat(next.next("session.created").path("type").asText()).isEqualTo("session.created");
        } finally {
            open.forEach(RealtimeWs::close);
        }
    }
}
