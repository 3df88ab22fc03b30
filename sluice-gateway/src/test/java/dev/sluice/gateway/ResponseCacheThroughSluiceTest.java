package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The response cache end to end: a repeated deterministic request is answered from the cache (whole
 * and streamed, replayed as a stream), scoped to the tenant, with the system prompt in the key, and
 * the client's cache-control honoured.
 */
@LeakChecked
class ResponseCacheThroughSluiceTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "admin-secret-for-cache";

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(6));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE =
            SluiceExtension.against(FAKE, "auth.mode", "keys", "auth.admin-key", ADMIN, "cache.enabled", "true");

    static String body(String system, boolean stream) {
        return "{\"model\":\"fake-model\",\"max_tokens\":64,\"temperature\":0,\"stream\":" + stream + ",\"system\":\""
                + system + "\",\"messages\":[{\"role\":\"user\",\"content\":\"cache me\"}]}";
    }

    static String key(String tenant) throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/admin/keys",
                "{\"name\":\"c\",\"tenant\":\"" + tenant + "\"}",
                "authorization",
                "Bearer " + ADMIN,
                "content-type",
                "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("key").asText();
    }

    static HttpResponse<String> ask(String key, String body, String... extra) throws Exception {
        String[] base = {"x-api-key", key, "anthropic-version", "2023-06-01", "content-type", "application/json"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return Http.post(SLUICE.baseUri(), "/v1/messages", body, all);
    }

    @Test
    void aRepeatedRequestIsServedFromTheCacheWholeAndStreamed() throws Exception {
        String key = key("tenant-a");
        for (boolean stream : new boolean[] {false, true}) {
            int before = FAKE.provider().recentRequests().size();
            HttpResponse<String> first = ask(key, body("be brief " + stream, stream));
            HttpResponse<String> second = ask(key, body("be brief " + stream, stream));

            assertThat(first.headers().firstValue("x-sluice-cache")).contains("miss");
            assertThat(second.headers().firstValue("x-sluice-cache")).contains("hit");
            assertThat(second.body()).isEqualTo(first.body());
            assertThat(FAKE.provider().recentRequests().size() - before).isEqualTo(1);
            if (stream) {
                assertThat(second.headers().firstValue("content-type").orElse(""))
                        .startsWith("text/event-stream");
                assertThat(second.body()).contains("event: message_stop");
            }
        }
    }

    @Test
    void tenantsAndSystemPromptsDoNotShareEntries() throws Exception {
        String a = key("tenant-x");
        String b = key("tenant-y");
        assertThat(ask(a, body("sys one", false)).headers().firstValue("x-sluice-cache"))
                .contains("miss");
        assertThat(ask(b, body("sys one", false)).headers().firstValue("x-sluice-cache"))
                .contains("miss");
        assertThat(ask(a, body("sys two", false)).headers().firstValue("x-sluice-cache"))
                .contains("miss");
        assertThat(ask(a, body("sys one", false)).headers().firstValue("x-sluice-cache"))
                .contains("hit");
    }

    @Test
    void cacheControlNoStoreAndNoCacheAreHonoured() throws Exception {
        String key = key("tenant-z");
        assertThat(ask(key, body("nostore", false), "cache-control", "no-store")
                        .headers()
                        .firstValue("x-sluice-cache"))
                .contains("bypass");
        assertThat(ask(key, body("nostore", false)).headers().firstValue("x-sluice-cache"))
                .contains("miss");
        assertThat(ask(key, body("nostore", false), "cache-control", "no-cache")
                        .headers()
                        .firstValue("x-sluice-cache"))
                .contains("bypass");
        assertThat(ask(key, body("nostore", false)).headers().firstValue("x-sluice-cache"))
                .contains("hit");
    }

    @Test
    void failedAnswersAreNeverCached() throws Exception {
        String key = key("tenant-f");
        String broken = "{\"model\":\"fault-stream-cut\",\"max_tokens\":64,\"temperature\":0,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertThat(ask(key, broken).body()).contains("event: error");
        HttpResponse<String> again = ask(key, broken);
        assertThat(again.headers().firstValue("x-sluice-cache")).contains("miss");
        assertThat(again.body()).contains("event: error");
    }

    @Test
    void withSessionsOffAKeepRequestGetsNoHistoryAndTheStatsCarryTheCacheBlock() throws Exception {
        String key = key("tenant-s");
        String body = "{\"model\":\"fake-model\",\"max_tokens\":64,\"stream\":false," // not cacheable: no temperature
                + "\"messages\":[{\"role\":\"user\",\"content\":\"remember me\"}]}";
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = ask(key, body, "x-sluice-session", "keep", "x-session-id", "s-off");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            var seen = FAKE.provider().recentRequests();
            assertThat(JSON.readTree(seen.get(seen.size() - 1).body()).path("messages"))
                    .hasSize(1);
        }
        var cache = JSON.readTree(Http.get(SLUICE.baseUri(), "/system/stats").body())
                .path("cache");
        assertThat(cache.isObject()).isTrue();
        assertThat(cache.path("memoryMaxBytes").asLong()).isPositive();
    }
}
