package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every refusal of a {@code /v1/realtime} handshake is an HTTP answer in the OpenAI dialect: 426, 400, 401,
 * 403, 404, 502 (no target serves realtime; the only target refuses its handshake) and, last, 429 for an
 * address over its failed handshakes. Nothing is opened upstream for any of them.
 */
@LeakChecked
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealtimeHandshakeRefusalsTest {

    static final String ADMIN = "admin-secret-for-tests";
    static final int FAILURE_LIMIT = 12;

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
            Integer.toString(FAILURE_LIMIT),
            "auth.failure-window",
            "1m",
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "providers.ant.kind",
            "anthropic",
            "providers.ant.url",
            "{fake}",
            "providers.ant.api-keys",
            "sk-ant",
            "routes.gpt-realtime.targets",
            "oai:gpt-realtime",
            "routes.anthropic-only.targets",
            "ant:fake-model",
            "routes.refusing.targets",
            "oai:fault-unavailable",
            "providers.vllm.kind",
            "openai",
            "providers.vllm.url",
            "{fake}/v1",
            "providers.vllm.api-keys",
            "sk-vllm",
            "providers.vllm.realtime",
            "false",
            "routes.realtime-off.targets",
            "vllm:gpt-realtime");

    private static String key;

    @AfterEach
    void nothingOpen() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(FAKE.provider().openRealtimeSessions()).isZero();
            assertThat(SLUICE.sluice().leaks()).isEmpty();
        });
    }

    static String key() throws Exception {
        if (key == null) {
            HttpResponse<String> r = Http.post(
                    SLUICE.baseUri(),
                    "/admin/keys",
                    "{\"name\":\"only-gpt\",\"models\":[\"gpt-realtime\",\"anthropic-only\",\"refusing\",\"nowhere\",\"realtime-off\"]}",
                    "authorization",
                    "Bearer " + ADMIN,
                    "content-type",
                    "application/json");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            key = RealtimeWs.JSON.readTree(r.body()).path("key").asText();
        }
        return key;
    }

    private static WebSocketHandshakeException refused(String model, String... headers) throws Exception {
        return RealtimeWs.refusal(
                SLUICE.baseUri(), "/v1/realtime" + (model == null ? "" : "?model=" + model), List.of(), headers);
    }

    /** Status, OpenAI error type (and code, as OpenAI's own errors carry, "" for none) and a part of the message. */
    private static void assertOpenAiError(WebSocketHandshakeException e, int status, String typeAndCode, String text)
            throws Exception {
        assertThat(e.getResponse().statusCode()).isEqualTo(status);
        JsonNode body = RealtimeWs.body(e);
        String[] tc = typeAndCode.split("/");
        assertThat(body.path("error").path("type").asText()).as(body.toString()).isEqualTo(tc[0]);
        if (tc.length > 1) {
            assertThat(body.path("error").path("code").asText())
                    .as(body.toString())
                    .isEqualTo(tc[1]);
        }
        assertThat(body.path("error").path("message").asText())
                .as(body.toString())
                .contains(text);
        assertThat(body.has("type")).as("OpenAI shape: no top-level type").isFalse();
    }

    @Test
    @Order(1)
    void aPlainGetIs426() throws Exception {
        HttpResponse<String> r =
                Http.get(SLUICE.baseUri(), "/v1/realtime?model=gpt-realtime", "authorization", "Bearer " + key());
        assertThat(r.statusCode()).isEqualTo(426);
        JsonNode body = RealtimeWs.JSON.readTree(r.body());
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("message").asText()).contains("WebSocket");
    }

    @Test
    @Order(2)
    void noKeyOrAWrongKeyIs401() throws Exception {
        int before = FAKE.provider().realtimeSessionsStarted();
        assertOpenAiError(refused("gpt-realtime"), 401, "authentication_error/invalid_api_key", "");
        assertOpenAiError(
                refused("gpt-realtime", "authorization", "Bearer sk-sluice-wrong"),
                401,
                "authentication_error/invalid_api_key",
                "");
        // a wrong key in the subprotocol too, with the raw client (the JDK one would not show the subprotocol)
        try (Socket s = new Socket("127.0.0.1", SLUICE.baseUri().getPort())) {
            RealtimeWs.RawResponse r = RealtimeWs.rawHandshake(
                    s,
                    "/v1/realtime?model=gpt-realtime",
                    "Sec-WebSocket-Protocol",
                    "realtime, openai-insecure-api-key.sk-sluice-nope");
            assertThat(r.status()).isEqualTo(401);
            assertThat(RealtimeWs.JSON
                            .readTree(r.body())
                            .path("error")
                            .path("type")
                            .asText())
                    .isEqualTo("authentication_error");
        }
        assertThat(FAKE.provider().realtimeSessionsStarted()).isEqualTo(before);
    }

    @Test
    @Order(3)
    void aModelTheKeyMayNotUseIs403() throws Exception {
        assertOpenAiError(
                refused("other-model", "authorization", "Bearer " + key()), 403, "permission_error", "other-model");
    }

    @Test
    @Order(4)
    void anUnknownModelIs404AndNoModelIs400() throws Exception {
        assertOpenAiError(
                refused("nowhere", "authorization", "Bearer " + key()),
                404,
                "invalid_request_error/not_found",
                "nowhere");
        assertOpenAiError(refused(null, "authorization", "Bearer " + key()), 400, "invalid_request_error", "model");
    }

    @Test
    @Order(5)
    void aRouteWithoutARealtimeTargetOrWithRealtimeOffOrWhoseTargetRefusesIs502() throws Exception {
        int before = FAKE.provider().realtimeSessionsStarted();
        assertOpenAiError(
                refused("anthropic-only", "authorization", "Bearer " + key()),
                502,
                "server_error",
                "serves the Realtime API");
        assertOpenAiError(
                refused("realtime-off", "authorization", "Bearer " + key()),
                502,
                "server_error",
                "serves the Realtime API");
        WebSocketHandshakeException refusing = refused("refusing", "authorization", "Bearer " + key());
        assertOpenAiError(refusing, 502, "server_error", "upstream oai/fault-unavailable");
        assertThat(RealtimeWs.body(refusing).path("error").path("message").asText())
                .contains("503");
        assertThat(FAKE.provider().realtimeSessionsStarted()).isEqualTo(before);
    }

    @Test
    @Order(6)
    void anAddressOverItsFailedHandshakesGets429EvenWithAGoodKey() throws Exception {
        int status = 0;
        for (int i = 0; i < FAILURE_LIMIT + 2 && status != 429; i++) {
            status = refused("gpt-realtime", "authorization", "Bearer sk-sluice-wrong-" + i)
                    .getResponse()
                    .statusCode();
        }
        assertThat(status).isEqualTo(429);
        WebSocketHandshakeException good = refused("gpt-realtime", "authorization", "Bearer " + key());
        assertOpenAiError(good, 429, "requests/rate_limit_exceeded", "failed realtime handshakes");
        assertThat(good.getResponse().headers().firstValue("retry-after")).isPresent();
    }
}
