package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Server-side session history: opt-in, streamed and not, scoped to the tenant. */
@LeakChecked
class SessionsThroughSluiceTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "admin-secret-sessions";

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(3));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE =
            SluiceExtension.against(FAKE, "auth.mode", "keys", "auth.admin-key", ADMIN, "sessions.enabled", "true");

    static String key(String tenant) throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/admin/keys",
                "{\"name\":\"s\",\"tenant\":\"" + tenant + "\"}",
                "authorization",
                "Bearer " + ADMIN,
                "content-type",
                "application/json");
        return JSON.readTree(r.body()).path("key").asText();
    }

    static JsonNode sent(String key, String session, String text, boolean stream, boolean keep) throws Exception {
        String body = "{\"model\":\"fake-model\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                body,
                "x-api-key",
                key,
                "anthropic-version",
                "2023-06-01",
                "content-type",
                "application/json",
                "x-session-id",
                session,
                "x-sluice-session",
                keep ? "keep" : "off");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        return JSON.readTree(seen.get(seen.size() - 1).body()).path("messages");
    }

    @Test
    void historyIsKeptAcrossRequestsStreamedOrNotAndOnlyForTheSameTenant() throws Exception {
        String alice = key("alice");
        String bob = key("bob");

        assertThat(sent(alice, "s-1", "first question", false, true)).hasSize(1);
        JsonNode second = sent(alice, "s-1", "second question", true, true);
        assertThat(second).hasSize(3);
        assertThat(second.get(0).path("content").asText()).isEqualTo("first question");
        assertThat(second.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(second.get(1).path("content").get(0).path("text").asText()).isNotBlank();
        JsonNode third = sent(alice, "s-1", "third question", false, true);
        assertThat(third).hasSize(5); // the streamed answer was remembered too
        assertThat(third.get(3).path("content").get(0).path("text").asText()).isNotBlank();

        assertThat(sent(bob, "s-1", "bob asks", false, true)).hasSize(1);
        assertThat(sent(alice, "s-1", "without opting in", false, false)).hasSize(1);
    }

    @Test
    void withCachingOffThereIsNoCacheHeaderStatsBlockOrMeter() throws Exception {
        String carol = key("carol");
        String body = "{\"model\":\"fake-model\",\"max_tokens\":64,\"temperature\":0,\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"deterministic\"}]}";
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = Http.post(
                    SLUICE.baseUri(),
                    "/v1/messages",
                    body,
                    "x-api-key",
                    carol,
                    "anthropic-version",
                    "2023-06-01",
                    "content-type",
                    "application/json");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-sluice-cache")).isEmpty();
        }
        JsonNode stats =
                JSON.readTree(Http.get(SLUICE.baseUri(), "/system/stats").body());
        assertThat(stats.has("requests")).isTrue();
        assertThat(stats.has("cache")).isFalse();
        assertThat(Http.get(SLUICE.baseUri(), "/metrics").body()).doesNotContain("sluice_cache_");
    }
}
