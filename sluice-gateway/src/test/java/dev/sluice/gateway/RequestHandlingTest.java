package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.messageBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import dev.sluice.testkit.SseEvent;
import dev.sluice.testkit.SseStream;
import dev.sluice.testkit.SseTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Anthropic ingress: validation, auth, limits, pass-through and the system endpoints. */
@LeakChecked
class RequestHandlingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create();

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE, "server.max-body-size", "4KiB", "auth.api-keys", SluiceExtension.CLIENT_KEY + ",sk-second-key");

    @Test
    void streamsTheFullAnthropicEventSequenceWithBetaQuery() throws Exception {
        try (SseStream s = SseTestClient.connect(SLUICE.baseUri())
                .post(
                        "/v1/messages?beta=true",
                        UpstreamFailureOutcomesTest.headers(),
                        messageBody("fake-model", true))) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.headers().get("content-type")).startsWith("text/event-stream");
            List<SseEvent> events = s.readAll(Duration.ofSeconds(10));

            assertThat(events)
                    .extracting(SseEvent::event)
                    .startsWith("message_start", "content_block_start")
                    .contains("ping", "content_block_delta", "content_block_stop", "message_delta")
                    .endsWith("message_stop");
            assertThat(s.endedCleanly()).isTrue();
        }
        RecordedRequest seen = last();
        assertThat(seen.path()).isEqualTo("/v1/messages");
        assertThat(seen.query()).isEqualTo("beta=true");
    }

    @Test
    void passesUnknownFieldsAndBetaHeadersThroughUntouched() throws Exception {
        String body = "{\"model\":\"fake-model\",\"max_tokens\":16,\"future_field\":{\"x\":[1,2]},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                body,
                anthropicHeaders("anthropic-beta", "interleaved-thinking-2025-05-14"));

        assertThat(r.statusCode()).isEqualTo(200);
        RecordedRequest seen = last();
        assertThat(JSON.readTree(seen.body())).isEqualTo(JSON.readTree(body));
        assertThat(header(seen, "anthropic-beta")).isEqualTo("interleaved-thinking-2025-05-14");
        assertThat(header(seen, "anthropic-version")).isEqualTo("2023-06-01");
    }

    @Test
    void acceptsABearerTokenInsteadOfXApiKey() throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                messageBody("fake-model", false),
                "authorization",
                "Bearer sk-second-key",
                "anthropic-version",
                "2023-06-01",
                "content-type",
                "application/json");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(last().headers().toString()).doesNotContain("sk-second-key");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "missing key | | 401 | authentication_error | missing API key",
                "wrong key | sk-wrong | 401 | authentication_error | invalid API key",
            })
    void rejectsMissingOrUnknownKeys(String name, String key, int status, String type, String message)
            throws Exception {
        HttpResponse<String> r = key == null
                ? Http.post(
                        SLUICE.baseUri(),
                        "/v1/messages",
                        messageBody("fake-model", false),
                        "anthropic-version",
                        "2023-06-01",
                        "content-type",
                        "application/json")
                : Http.post(
                        SLUICE.baseUri(),
                        "/v1/messages",
                        messageBody("fake-model", false),
                        "x-api-key",
                        key,
                        "anthropic-version",
                        "2023-06-01",
                        "content-type",
                        "application/json");

        assertError(r, status, type, message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not json | {\"model\": | request body is not valid JSON",
                "not an object | [1,2] | must be a JSON object",
                "no model | {\"max_tokens\":5,\"messages\":[]} | model: field required",
                "no max_tokens | {\"model\":\"m\",\"messages\":[]} | max_tokens: field required",
                "no messages | {\"model\":\"m\",\"max_tokens\":5} | messages: field required",
                "model not a string | {\"model\":5,\"max_tokens\":5,\"messages\":[]} | model: must be a string",
                "stream not boolean | {\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"stream\":\"yes\"} | stream: must be a boolean",
            })
    void badBodiesGetA400NamingTheProblem(String name, String body, String message) throws Exception {
        long before = FAKE.provider().exchangesStarted();
        HttpResponse<String> r = Http.post(SLUICE.baseUri(), "/v1/messages", body, anthropicHeaders());

        assertError(r, 400, "invalid_request_error", message);
        assertThat(FAKE.provider().exchangesStarted()).isEqualTo(before);
    }

    @Test
    void aBodyOverTheLimitGetsA413() throws Exception {
        String big = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(5000) + "\"}]}";
        HttpResponse<String> r = Http.post(SLUICE.baseUri(), "/v1/messages", big, anthropicHeaders());

        assertError(r, 413, "request_too_large", "larger than the limit of 4096 bytes");
    }

    @Test
    void headersOverTheLimitGetAnAnthropicErrorNotAnEmptyBody() throws Exception {
        // Sluice answers after 64 KiB and closes while the client may still be writing the rest: the client then
        // sometimes loses the answer to a broken pipe (TCP, not Sluice), so up to three tries, each must get it or fail
        // so
        HttpResponse<String> r = null;
        java.io.IOException lost = null;
        for (int attempt = 0; attempt < 3 && r == null; attempt++) {
            try {
                r = Http.post(
                        SLUICE.baseUri(),
                        "/v1/messages",
                        messageBody("fake-model", false),
                        anthropicHeaders("x-padding", "p".repeat(80 * 1024)));
            } catch (java.io.IOException e) {
                lost = e;
            }
        }
        if (r == null) {
            throw lost;
        }

        assertError(r, 400, "invalid_request_error", "headers larger than 65536 bytes");
    }

    @Test
    void unknownRoutesGetA404InTheAnthropicDialect() throws Exception {
        assertError(
                Http.get(SLUICE.baseUri(), "/v1/nothing-here", anthropicHeaders()),
                404,
                "not_found_error",
                "no route for GET /v1/nothing-here");
    }

    @Test
    void countTokensAndModelsAreRelayed() throws Exception {
        HttpResponse<String> count = Http.post(
                SLUICE.baseUri(),
                "/v1/messages/count_tokens",
                "{\"model\":\"fake-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}",
                anthropicHeaders());
        HttpResponse<String> models = Http.get(SLUICE.baseUri(), "/v1/models", anthropicHeaders());

        assertThat(count.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(count.body()).path("input_tokens").asInt()).isPositive();
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(models.body()).path("data").get(0).path("id").asText())
                .isEqualTo("fake-model");
    }

    @Test
    void healthAndStatsAnswerWithoutAKey() throws Exception {
        assertThat(Http.get(SLUICE.baseUri(), "/health/live").statusCode()).isEqualTo(200);
        assertThat(Http.get(SLUICE.baseUri(), "/health/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> stats = Http.get(SLUICE.baseUri(), "/system/stats");
        JsonNode json = JSON.readTree(stats.body());

        assertThat(json.path("inFlight").isIntegralNumber()).isTrue();
        assertThat(json.path("liveScopes").isIntegralNumber()).isTrue();
        assertThat(json.path("inFlight").asLong()).isZero();
    }

    @Test
    void echoesAClientRequestIdAndMakesOneWhenAbsent() throws Exception {
        HttpResponse<String> given = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                messageBody("fake-model", false),
                anthropicHeaders("x-request-id", "trace-123"));
        HttpResponse<String> made =
                Http.post(SLUICE.baseUri(), "/v1/messages", messageBody("fake-model", false), anthropicHeaders());

        assertThat(given.headers().firstValue("x-request-id")).contains("trace-123");
        assertThat(made.headers().firstValue("x-request-id"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("req_"));
    }

    private static void assertError(HttpResponse<String> r, int status, String type, String message) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.path("type").asText()).isEqualTo("error");
        assertThat(json.path("error").path("type").asText()).isEqualTo(type);
        assertThat(json.path("error").path("message").asText()).contains(message);
    }

    private static RecordedRequest last() {
        List<RecordedRequest> all = FAKE.provider().recentRequests();
        return all.get(all.size() - 1);
    }

    private static String header(RecordedRequest r, String name) {
        return r.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0))
                .findFirst()
                .orElse(null);
    }
}
