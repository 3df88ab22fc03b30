package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stored key's limits hold at the {@code /v1/realtime} handshake as on the HTTP path: over its requests per
 * minute the next handshake is a 429 with Retry-After; with max concurrent 1 an open session holds the key's
 * one slot until it ends. Nothing is opened upstream for a refusal.
 */
@LeakChecked
class RealtimeKeyLimitsTest {

    static final String ADMIN = "admin-secret-for-tests";

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(4));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.mode",
            "keys",
            "auth.admin-key",
            ADMIN,
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "routes.gpt-realtime.targets",
            "oai:gpt-realtime");

    @AfterEach
    void nothingOpen() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(FAKE.provider().openRealtimeSessions()).isZero();
            assertThat(SLUICE.sluice().leaks()).isEmpty();
        });
    }

    private static String createKey(String body) throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/admin/keys",
                body,
                "authorization",
                "Bearer " + ADMIN,
                "content-type",
                "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return RealtimeWs.JSON.readTree(r.body()).path("key").asText();
    }

    private static WebSocketHandshakeException refused(String key) throws Exception {
        return RealtimeWs.refusal(
                SLUICE.baseUri(), "/v1/realtime?model=gpt-realtime", List.of(), "authorization", "Bearer " + key);
    }

    private static void assertRateLimited(WebSocketHandshakeException e, String text) throws Exception {
        assertThat(e.getResponse().statusCode()).isEqualTo(429);
        JsonNode body = RealtimeWs.body(e);
        assertThat(body.path("error").path("type").asText()).as(body.toString()).isEqualTo("requests");
        assertThat(body.path("error").path("message").asText())
                .as(body.toString())
                .contains(text);
        assertThat(Long.parseLong(
                        e.getResponse().headers().firstValue("retry-after").orElseThrow()))
                .isPositive();
    }

    @Test
    void aKeyOverItsRequestsPerMinuteIsRefused429AtTheHandshake() throws Exception {
        String key = createKey("{\"name\":\"rt-one-per-minute\",\"requests_per_minute\":1}");
        try (RealtimeWs ws = RealtimeWs.open(SLUICE.baseUri(), key, "gpt-realtime")) {
            ws.next("session.created");
        }
        int before = FAKE.provider().realtimeSessionsStarted();
        assertRateLimited(refused(key), "requests per minute");
        assertThat(FAKE.provider().realtimeSessionsStarted()).isEqualTo(before);
    }

    @Test
    void aKeyWithMaxConcurrentOneOpensASecondSessionOnlyAfterTheFirstEnds() throws Exception {
        String key = createKey("{\"name\":\"rt-one-at-a-time\",\"max_concurrent\":1}");
        try (RealtimeWs first = RealtimeWs.open(SLUICE.baseUri(), key, "gpt-realtime")) {
            first.next("session.created");
            int before = FAKE.provider().realtimeSessionsStarted();
            assertRateLimited(refused(key), "concurrent");
            assertThat(FAKE.provider().realtimeSessionsStarted()).isEqualTo(before);
            first.send(RealtimeWs.userText("still here")); // the first is untouched by the refusal
            assertThat(first.next("conversation.item.created").path("type").asText())
                    .isEqualTo("conversation.item.created");
        }
        // the slot is given back when the session ends, which follows the client's close
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(SLUICE.sluice().leaks()).isEmpty());
        try (RealtimeWs second = RealtimeWs.open(SLUICE.baseUri(), key, "gpt-realtime")) {
            second.next("session.created");
        }
    }
}
