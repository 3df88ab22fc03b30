package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stored keys end to end on one instance (SQLite): created through the admin API, used by clients,
 * limited per key, revoked; usage recorded and queryable; errors in the caller's dialect.
 */
@LeakChecked
@TestMethodOrder(MethodOrderer.MethodName.class)
class KeysLimitsAndUsageTest {

    static final ObjectMapper JSON = new ObjectMapper();
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
            "auth.failure-limit",
            "5",
            "auth.failure-window",
            "1m",
            "usage.flush-interval",
            "100ms",
            "usage.prices",
            "fake-model=3/15");

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
        return JSON.readTree(r.body());
    }

    static HttpResponse<String> ask(String key, String model) throws Exception {
        return Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                Http.messageBody(model, false),
                "x-api-key",
                key,
                "anthropic-version",
                "2023-06-01",
                "content-type",
                "application/json");
    }

    @Test
    void a_aStoredKeyIsShownOnceWorksAndIsLimitedToItsModels() throws Exception {
        JsonNode created = createKey("{\"name\":\"ci\",\"tenant\":\"acme\",\"models\":[\"fake-model\"]}");
        String key = created.path("key").asText();
        assertThat(key).startsWith("sk-sluice-");

        assertThat(ask(key, "fake-model").statusCode()).isEqualTo(200);
        HttpResponse<String> other = ask(key, "other-model");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(other.body()).path("error").path("type").asText())
                .isEqualTo("permission_error");

        HttpResponse<String> list = Http.get(SLUICE.baseUri(), "/admin/keys", "authorization", "Bearer " + ADMIN);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(created.path("id").asText()).doesNotContain(key);
    }

    @Test
    void a2_aKeysMaxTokensCeilingIsEnforced() throws Exception {
        String key = createKey("{\"name\":\"short-answers\",\"max_output_tokens\":32}")
                .path("key")
                .asText();
        HttpResponse<String> tooMany = ask(key, "fake-model"); // asks for max_tokens 64
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooMany.body()).path("error").path("message").asText())
                .contains("ceiling of 32");
        String small =
                "{\"model\":\"fake-model\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(Http.post(
                                SLUICE.baseUri(),
                                "/v1/messages",
                                small,
                                "x-api-key",
                                key,
                                "anthropic-version",
                                "2023-06-01",
                                "content-type",
                                "application/json")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void b_requestsPerMinuteAreEnforcedWithRetryAfterInTheCallersDialect() throws Exception {
        String key = createKey("{\"name\":\"small\",\"requests_per_minute\":3}")
                .path("key")
                .asText();
        for (int i = 0; i < 3; i++) {
            assertThat(ask(key, "fake-model").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = ask(key, "fake-model");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(limited.body()).path("error").path("type").asText())
                .isEqualTo("rate_limit_error");
        assertThat(Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow()))
                .isPositive();

        HttpResponse<String> openAi = Http.post(
                SLUICE.baseUri(),
                "/v1/chat/completions",
                Http.chatBody("fake-model", false),
                "authorization",
                "Bearer " + key,
                "content-type",
                "application/json");
        assertThat(openAi.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(openAi.body()).has("type")).isFalse();
        assertThat(JSON.readTree(openAi.body()).path("error").path("message").asText())
                .isNotBlank();
    }

    @Test
    void c_aRevokedKeyIsRefusedAtOnce() throws Exception {
        JsonNode created = createKey("{\"name\":\"short-lived\"}");
        String key = created.path("key").asText();
        assertThat(ask(key, "fake-model").statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = Http.delete(
                SLUICE.baseUri(), "/admin/keys/" + created.path("id").asText(), "authorization", "Bearer " + ADMIN);
        assertThat(revoked.statusCode()).isEqualTo(200);

        HttpResponse<String> after = ask(key, "fake-model");
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(after.body()).path("error").path("type").asText())
                .isEqualTo("authentication_error");
    }

    @Test
    void d_theAdminApiNeedsTheAdminKey() throws Exception {
        assertThat(Http.get(SLUICE.baseUri(), "/admin/keys").statusCode()).isEqualTo(401);
        assertThat(Http.get(SLUICE.baseUri(), "/admin/keys", "authorization", "Bearer not-the-admin")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void e_usageIsRecordedPerKeyWithTokensAndCost() throws Exception {
        JsonNode created = createKey("{\"name\":\"metered\",\"tenant\":\"acme\"}");
        String key = created.path("key").asText();
        for (int i = 0; i < 3; i++) {
            assertThat(ask(key, "fake-model").statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> u = Http.get(
                    SLUICE.baseUri(),
                    "/admin/usage?key=" + created.path("id").asText(),
                    "authorization",
                    "Bearer " + ADMIN);
            assertThat(u.statusCode()).as(u.body()).isEqualTo(200);
            JsonNode totals = JSON.readTree(u.body()).path("totals");
            assertThat(totals.path("requests").asLong()).isEqualTo(3);
            assertThat(totals.path("output_tokens").asLong()).isEqualTo(3 * 4);
            assertThat(totals.path("input_tokens").asLong()).isPositive();
            assertThat(totals.path("cost_micros").asLong()).isPositive();
        });
    }

    @Test
    void f_manyFailedKeysFromOneAddressAreSlowedDown() throws Exception {
        int last = 0;
        for (int i = 0; i < 8; i++) {
            last = ask("sk-sluice-wrong" + i, "fake-model").statusCode();
        }
        assertThat(last).isEqualTo(429);
    }
}
