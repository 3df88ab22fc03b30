package dev.sluice.gateway;

import static dev.sluice.gateway.Http.openAiHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import dev.sluice.testkit.SseStream;
import dev.sluice.testkit.SseTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /v1/responses} failing as real clients meet it, against each upstream dialect: Anthropic, OpenAI Chat
 * Completions and Ollama (translated) and an OpenAI provider serving Responses natively (untranslated).
 * Failures before the first byte (errors in the OpenAI dialect and status, failover to the next target),
 * mid-stream (response.failed, never response.completed; the access log and /metrics say failed) and
 * clients leaving a stream (the upstream cancelled, nothing stored, nothing left behind).
 */
@LeakChecked
class ResponsesFailuresTest {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger ACCESS = Logger.getLogger("sluice.access");
    private static final AccessLogTap ACCESS_TAP = new AccessLogTap();
    private static final ConcurrentLinkedQueue<String> ACCESS_LINES = ACCESS_TAP.lines;

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(8));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(FAKE, settings());

    /** Per dialect d in ant, oai, oll, nat: route r-d to the fake, and r-d-fault-x to its fault x. */
    private static String[] settings() {
        List<String> s = new ArrayList<>(List.of(
                "providers.ant.kind",
                "anthropic",
                "providers.ant.url",
                "{fake}",
                "providers.ant.api-keys",
                "sk-ant",
                "providers.oai.kind",
                "openai",
                "providers.oai.url",
                "{fake}/v1",
                "providers.oai.api-keys",
                "sk-oai",
                "providers.oll.kind",
                "ollama",
                "providers.oll.url",
                "{fake}",
                "providers.nat.kind",
                "openai",
                "providers.nat.url",
                "{fake}/v1",
                "providers.nat.api-keys",
                "sk-nat",
                "providers.nat.native-responses",
                "true",
                "routes.r-failover.targets",
                "oai:fault-server-error,ant:fake-claude",
                "timeouts.first-byte",
                "2s",
                "timeouts.idle",
                "2s",
                "timeouts.total",
                "20s",
                "routing.breaker.min-calls",
                "100",
                "routing.retry-floor",
                "50"));
        for (String d : List.of("ant", "oai", "oll", "nat")) {
            s.addAll(List.of("routes.r-" + d + ".targets", d + ":fake-" + d));
            for (String fault : List.of("stream-error", "stream-cut", "overloaded", "slow-first-token", "stall")) {
                s.addAll(List.of("routes.r-" + d + "-" + fault + ".targets", d + ":fault-" + fault));
            }
        }
        return s.toArray(String[]::new);
    }

    @BeforeAll
    static void tap() {
        ACCESS.addHandler(ACCESS_TAP);
    }

    @AfterAll
    static void untap() {
        ACCESS.removeHandler(ACCESS_TAP);
    }

    static String body(String model, boolean stream, String input) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"input\":\"" + input + "\"}";
    }

    @Test
    void errorsAreOpenAiErrorJsonWithTheirStatus() throws Exception {
        HttpResponse<String> noInput = post("{\"model\":\"r-ant\"}");
        HttpResponse<String> negative = post("{\"model\":\"r-ant\",\"input\":\"hi\",\"max_output_tokens\":-5}");
        HttpResponse<String> wordy = post("{\"model\":\"r-oai\",\"input\":\"hi\",\"max_output_tokens\":\"lots\"}");
        HttpResponse<String> unknown = post(body("no-such-model", false, "hi"));
        HttpResponse<String> webSearch =
                post("{\"model\":\"r-oai\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}");
        HttpResponse<String> overloaded = post(body("r-ant-overloaded", false, "hi"));
        HttpResponse<String> overloadedStream = post(body("r-ant-overloaded", true, "hi"));
        HttpResponse<String> badJson = post("{\"model\":\"r-ant\",\"input\":");

        assertThat(List.of(
                        noInput.statusCode(),
                        negative.statusCode(),
                        wordy.statusCode(),
                        unknown.statusCode(),
                        webSearch.statusCode(),
                        overloaded.statusCode(),
                        overloadedStream.statusCode(),
                        badJson.statusCode()))
                .containsExactly(400, 400, 400, 404, 400, 503, 503, 400);
        for (HttpResponse<String> r :
                List.of(noInput, negative, wordy, unknown, webSearch, overloaded, overloadedStream, badJson)) {
            JsonNode e = JSON.readTree(r.body());
            assertThat(e.has("type")).as(r.body()).isFalse();
            assertThat(e.path("error").path("message").asText()).as(r.body()).isNotBlank();
            assertThat(e.path("error").path("type").asText()).as(r.body()).isNotBlank();
            assertThat(r.headers().firstValue("x-request-id")).isPresent();
        }
        assertThat(message(noInput)).contains("input");
        assertThat(message(negative)).contains("max_output_tokens");
        assertThat(message(wordy)).contains("max_output_tokens");
        assertThat(message(unknown)).contains("no-such-model");
        assertThat(message(webSearch)).contains("web_search");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "ant, stream-error",
        "oai, stream-error",
        "oll, stream-error",
        "nat, stream-error",
        "ant, stream-cut",
        "oai, stream-cut",
        "oll, stream-cut",
        "nat, stream-cut"
    })
    void aFailureMidStreamEndsInResponseFailedNeverCompletedAndIsLoggedFailed(String d, String fault) throws Exception {
        String id = "rf-" + d + "-" + fault;
        double failedBefore = requestsInMetrics("responses", "failure");
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/responses",
                body("r-" + d + "-" + fault, true, "hi"),
                openAiHeaders("x-request-id", id));

        assertThat(r.statusCode()).isEqualTo(200);
        ResponsesEvents ev = ResponsesEvents.parse(r.body());
        List<String> names = ev.names();
        assertThat(names)
                .as(r.body())
                .startsWith("response.created")
                .contains("response.output_text.delta")
                .contains("error")
                .doesNotContain("response.completed", "response.incomplete");
        assertThat(ev.last().name()).as(r.body()).isEqualTo("response.failed");
        assertThat(ev.last().data().path("response").path("status").asText()).isEqualTo("failed");
        assertThat(ev.last()
                        .data()
                        .path("response")
                        .path("error")
                        .path("message")
                        .asText())
                .isNotBlank();
        assertThat(ev.last().data().path("response").path("id").asText())
                .as("the failed response is the one created")
                .isEqualTo(ev.events().get(0).data().path("response").path("id").asText());
        for (int i = 0; i < ev.events().size(); i++) {
            assertThat(ev.events().get(i).data().path("sequence_number").asInt(-1))
                    .as("%s", names)
                    .isEqualTo(i);
        }
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(accessLine(id))
                        .as("access log line of %s", id)
                        .isNotNull()
                        .contains("outcome=FAILURE"));
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(requestsInMetrics("responses", "failure") - failedBefore)
                        .isEqualTo(1));
    }

    @Test
    void anUpstream500BeforeTheFirstByteIsRetriedOnceThenFallsOverToTheNextTarget() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            int before = FAKE.provider().recentRequests().size();
            HttpResponse<String> r = post(body("r-failover", stream, "hi"));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-sluice-target")).contains("ant/fake-claude");
            if (stream) {
                assertThat(ResponsesEvents.parse(r.body()).last().name()).isEqualTo("response.completed");
            } else {
                assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("completed");
            }
            List<RecordedRequest> seen = FAKE.provider().recentRequests();
            assertThat(seen.subList(before, seen.size()))
                    .extracting(RecordedRequest::path)
                    .containsExactly("/v1/chat/completions", "/v1/chat/completions", "/v1/messages");
        }
    }

    @Test
    void aClientLeavingAResponsesStreamCancelsTheUpstreamExchange() throws Exception {
        for (String d : List.of("ant", "nat")) {
            await().atMost(Duration.ofSeconds(3)).until(() -> FAKE.provider().activeExchanges() == 0);
            long abortedBefore = FAKE.provider().exchangesAborted();
            String id = "rd-" + d;
            String responseId;
            try (SseStream s = SseTestClient.connect(SLUICE.baseUri())
                    .post(
                            "/v1/responses",
                            Map.of(
                                    "authorization",
                                    "Bearer " + SluiceExtension.CLIENT_KEY,
                                    "content-type",
                                    "application/json",
                                    "x-request-id",
                                    id),
                            // stalls after some text: before the first content nothing but heartbeats reaches the
                            // client
                            "{\"model\":\"r-" + d + "-stall\",\"stream\":true,\"input\":\"hi\"}")) {
                assertThat(s.status()).isEqualTo(200);
                var created = s.next(Duration.ofSeconds(5));
                assertThat(created).isPresent();
                responseId = JSON.readTree(created.get().data())
                        .path("response")
                        .path("id")
                        .asText();
                await().atMost(Duration.ofSeconds(3))
                        .until(() -> FAKE.provider().activeExchanges() == 1);
                s.disconnect();
            }
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
                assertThat(FAKE.provider().exchangesAborted()).isEqualTo(abortedBefore + 1);
                assertThat(FAKE.provider().activeExchanges()).isZero();
                assertThat(SLUICE.sluice().inFlight()).isZero();
                assertThat(SLUICE.sluice().liveScopes()).isZero();
            });
            await().atMost(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(accessLine(id))
                            .as("access log line of %s", id)
                            .isNotNull()
                            .contains("outcome=CANCELLED"));
            assertThat(responseId).isNotBlank();
            assertThat(Http.get(SLUICE.baseUri(), "/v1/responses/" + responseId, openAiHeaders())
                            .statusCode())
                    .as("an abandoned response is not stored")
                    .isEqualTo(404);
        }
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return Http.post(SLUICE.baseUri(), "/v1/responses", body, openAiHeaders());
    }

    private static String message(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("message").asText();
    }

    private static String accessLine(String id) {
        return ACCESS_LINES.stream()
                .filter(l -> l.contains("id=" + id + " "))
                .findFirst()
                .orElse(null);
    }

    /** The sum of sluice_request_duration_seconds_count for this dialect and outcome. */
    static double requestsInMetrics(String dialect, String outcome) throws Exception {
        String text = Http.get(SLUICE.baseUri(), "/metrics").body();
        return text.lines()
                .filter(l -> l.startsWith("sluice_request_duration_seconds_count{")
                        && l.contains("dialect=\"" + dialect + "\"")
                        && l.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
