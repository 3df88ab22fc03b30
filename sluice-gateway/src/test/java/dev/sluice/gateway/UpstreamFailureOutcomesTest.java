package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.messageBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.LimiterStats;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import dev.sluice.testkit.SseEvent;
import dev.sluice.testkit.SseStream;
import dev.sluice.testkit.SseTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each upstream failure kind of DESIGN.md's table yields the specified client outcome. */
@LeakChecked
class UpstreamFailureOutcomesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(8));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE, "timeouts.first-byte", "700ms", "timeouts.idle", "700ms", "timeouts.total", "20s");

    @ParameterizedTest(name = "{0} -> HTTP {1} {2}")
    @CsvSource({
        "rate-limit, 429, rate_limit_error, 1",
        "rate-limit-no-retry-after, 429, rate_limit_error, ",
        "server-error, 500, api_error, ",
        "unavailable, 503, , 2",
        "overloaded, 529, overloaded_error, ",
        "context-length, 400, invalid_request_error, ",
    })
    void upstreamErrorStatusesArePassedOnInAnthropicErrorJson(String fault, int status, String type, String retryAfter)
            throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> r = Http.post(
                    SLUICE.baseUri(), "/v1/messages", messageBody("fault-" + fault, stream), anthropicHeaders());

            assertThat(r.statusCode()).as("status, stream=%s", stream).isEqualTo(status);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.path("type").asText()).isEqualTo("error");
            if (type != null) {
                assertThat(body.path("error").path("type").asText()).isEqualTo(type);
            }
            assertThat(body.path("error").path("message").asText()).isNotBlank();
            assertThat(r.headers().firstValue("retry-after")).isEqualTo(java.util.Optional.ofNullable(retryAfter));
            assertThat(r.headers().firstValue("x-request-id")).isPresent();
        }
    }

    @Test
    void contextLengthErrorIsPassedThroughFaithfully() throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(), "/v1/messages", messageBody("fault-context-length", false), anthropicHeaders());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("prompt is too long");
    }

    @Test
    void connectionResetBeforeTheAnswerIsA502() throws Exception {
        HttpResponse<String> r =
                Http.post(SLUICE.baseUri(), "/v1/messages", messageBody("fault-reset", true), anthropicHeaders());

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(r.body()).path("error").path("type").asText()).isEqualTo("api_error");
    }

    @ParameterizedTest
    @CsvSource({"no-answer", "slow-headers"})
    void noResponseHeadersWithinTheFirstByteTimeoutIsA504(String fault) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r =
                Http.post(SLUICE.baseUri(), "/v1/messages", messageBody("fault-" + fault, true), anthropicHeaders());

        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(JSON.readTree(r.body()).path("error").path("type").asText()).isEqualTo("timeout_error");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "{0} mid-stream -> error event, no message_stop")
    @CsvSource({
        "stream-cut, api_error",
        "stall, timeout_error",
        "malformed, api_error",
    })
    void failuresAfterTheFirstByteEndWithAnErrorEventAndNeverAFakeStop(String fault, String type) throws Exception {
        try (SseStream s = SseTestClient.connect(SLUICE.baseUri())
                .post("/v1/messages", headers(), messageBody("fault-" + fault, true))) {
            assertThat(s.status()).isEqualTo(200);
            List<SseEvent> events = s.readAll(Duration.ofSeconds(10));

            assertThat(events).extracting(SseEvent::event).doesNotContain("message_stop");
            assertThat(events).first().extracting(SseEvent::event).isEqualTo("message_start");
            SseEvent last = events.get(events.size() - 1);
            assertThat(last.event()).isEqualTo("error");
            assertThat(JSON.readTree(last.data()).path("error").path("type").asText())
                    .isEqualTo(type);
        }
    }

    /**
     * The request's admission permit closes as a drop exactly when the upstream shed the request or timed
     * out, so an adaptive limit backs off on overload and on nothing else.
     */
    @ParameterizedTest(name = "{0} stream={1} -> permit {2}")
    @CsvSource({
        "fake-model, false, succeeded",
        "fault-rate-limit-no-retry-after, false, dropped",
        "fault-overloaded, true, dropped",
        "fault-no-answer, true, dropped",
        "fault-stall, true, dropped",
        "fault-server-error, false, failed",
        "fault-context-length, false, failed",
        "fault-reset, false, failed",
        "fault-stream-cut, true, failed",
    })
    void thePermitClosesAsADropOnlyWhenTheUpstreamShedTheRequestOrTimedOut(String model, boolean stream, String as)
            throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> SLUICE.sluice().inFlight() == 0);
        LimiterStats before = SLUICE.sluice().admissionStats();

        Http.post(SLUICE.baseUri(), "/v1/messages", messageBody(model, stream), anthropicHeaders());

        await().atMost(Duration.ofSeconds(5)).until(() -> SLUICE.sluice().inFlight() == 0);
        LimiterStats after = SLUICE.sluice().admissionStats();
        Map<String, Long> expected =
                new java.util.HashMap<>(Map.of("succeeded", 0L, "failed", 0L, "cancelled", 0L, "dropped", 0L));
        expected.put(as, 1L);
        assertThat(Map.of(
                        "succeeded", after.succeeded() - before.succeeded(),
                        "failed", after.failed() - before.failed(),
                        "cancelled", after.cancelled() - before.cancelled(),
                        "dropped", after.dropped() - before.dropped()))
                .as("permit outcomes of one request to %s", model)
                .isEqualTo(expected);
    }

    @Test
    void noContentBeforeTheDeadlineWithNoOtherTargetEndsInAnErrorEventAlone() throws Exception {
        // the frames before the first content are held back, so the client sees no message it would have
        // to close: only the in-band error (the head went out with the heartbeats)
        try (SseStream s = SseTestClient.connect(SLUICE.baseUri())
                .post("/v1/messages", headers(), messageBody("fault-slow-first-token", true))) {
            assertThat(s.status()).isEqualTo(200);
            List<SseEvent> events = s.readAll(Duration.ofSeconds(10));
            assertThat(events).extracting(SseEvent::event).containsExactly("error");
            assertThat(JSON.readTree(events.get(0).data())
                            .path("error")
                            .path("type")
                            .asText())
                    .isEqualTo("timeout_error");
        }
    }

    @Test
    void aStreamEndingCleanlyAfterItsStopReasonWithoutMessageStopIsCompletedNotFailed() throws Exception {
        try (SseStream s = SseTestClient.connect(SLUICE.baseUri())
                .post("/v1/messages", headers(), messageBody("fault-no-terminator", true))) {
            assertThat(s.status()).isEqualTo(200);
            List<SseEvent> events = s.readAll(Duration.ofSeconds(10));

            assertThat(events)
                    .extracting(SseEvent::event)
                    .doesNotContain("error")
                    .endsWith("message_delta", "message_stop");
            JsonNode delta = JSON.readTree(events.get(events.size() - 2).data());
            assertThat(delta.path("usage").path("output_tokens").asInt()).isPositive();
        }
    }

    @Test
    void contentFilterStopIsRelayedAsAnOrdinaryAnswer() throws Exception {
        try (SseStream s = SseTestClient.connect(SLUICE.baseUri())
                .post("/v1/messages", headers(), messageBody("fault-content-filter", true))) {
            List<SseEvent> events = s.readAll(Duration.ofSeconds(10));

            assertThat(events).extracting(SseEvent::event).endsWith("message_stop");
            assertThat(events).anySatisfy(e -> assertThat(e.data()).contains("\"refusal\""));
        }
    }

    @Test
    void aRefusedUpstreamConnectionIsA502WithAShortPlainMessageNamingTheTargetAndRequest() throws Exception {
        int closedPort;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (Sluice other = Sluice.start(SluiceExtension.config(Map.of(
                "server.port",
                "0",
                "demo.mode",
                "off",
                "upstream.api-key",
                "k",
                "upstream.url",
                "http://127.0.0.1:" + closedPort,
                "shutdown.pre-drain",
                "0s")))) {
            for (boolean stream : new boolean[] {false, true}) {
                HttpResponse<String> r = Http.post(
                        other.baseUri(),
                        "/v1/messages",
                        messageBody("fake-model", stream),
                        anthropicHeaders("x-request-id", "req-refused-" + stream));

                assertThat(r.statusCode()).isEqualTo(502);
                String message =
                        JSON.readTree(r.body()).path("error").path("message").asText();
                assertThat(message)
                        .hasSizeLessThan(200)
                        .contains("refused")
                        .contains("req-refused-" + stream)
                        .contains("fake-model");
                assertPlain(message, r.body(), other.baseUri().getPort());
            }
        }
    }

    @Test
    void aConnectionResetBeforeTheAnswerNamesTheResetNotJettysConnectionDump() throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                messageBody("fault-reset", false),
                anthropicHeaders("x-request-id", "req-reset"));

        assertThat(r.statusCode()).isEqualTo(502);
        String message = JSON.readTree(r.body()).path("error").path("message").asText();
        assertThat(message)
                .hasSizeLessThan(200)
                .containsAnyOf("reset", "closed the connection")
                .contains("req-reset");
        assertPlain(message, r.body(), SLUICE.baseUri().getPort());
    }

    /** No Jetty text and no port of Sluice's side of the connection (the upstream's local port is unknown). */
    private static void assertPlain(String message, String body, int sluicePort) {
        assertThat(message)
                .doesNotContainIgnoringCase("jetty")
                .doesNotContain("HttpConnection", "EndPoint", "@", "<->", "Exception");
        assertThat(message.replaceAll("req-[a-z-]+", ""))
                .doesNotContainPattern(":\\d{4,5}")
                .doesNotContain(Integer.toString(sluicePort));
        assertThat(body).doesNotContainIgnoringCase("jetty");
    }

    static Map<String, String> headers() {
        return Map.of(
                "x-api-key",
                SluiceExtension.CLIENT_KEY,
                "anthropic-version",
                "2023-06-01",
                "content-type",
                "application/json");
    }
}
