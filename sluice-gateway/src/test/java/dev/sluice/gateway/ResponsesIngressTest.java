package dev.sluice.gateway;

import static dev.sluice.gateway.Http.openAiHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /v1/responses} as real clients use it, against each upstream dialect: Anthropic, OpenAI Chat
 * Completions and Ollama (translated) and an OpenAI provider serving Responses natively (untranslated).
 * Whole and streamed answers, the streamed event order, usage, function tool round trips, stored turns
 * continued on a native route, the request metrics. Failures: {@link ResponsesFailuresTest}.
 */
@LeakChecked
class ResponsesIngressTest {

    static final ObjectMapper JSON = new ObjectMapper();

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
            for (String fault : List.of("stream-error", "stream-cut", "overloaded", "slow-first-token")) {
                s.addAll(List.of("routes.r-" + d + "-" + fault + ".targets", d + ":fault-" + fault));
            }
        }
        return s.toArray(String[]::new);
    }

    static String body(String model, boolean stream, String input) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"input\":\"" + input + "\"}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ant, /v1/messages", "oai, /v1/chat/completions", "oll, /api/chat", "nat, /v1/responses"})
    void aWholeAnswerIsAResponseWithUsageFromEachUpstreamDialect(String d, String upstreamPath) throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/responses",
                "{\"model\":\"r-" + d + "\",\"instructions\":\"be brief\",\"input\":\"hello there\"}",
                openAiHeaders());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-sluice-target")).contains(d + "/fake-" + d);
        JsonNode response = JSON.readTree(r.body());
        assertThat(response.path("object").asText()).isEqualTo("response");
        assertThat(response.path("id").asText()).startsWith("resp");
        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("output")).isNotEmpty();
        assertThat(ResponsesEvents.outputText(response)).isNotBlank();
        JsonNode usage = response.path("usage");
        assertThat(usage.path("input_tokens").asInt()).isPositive();
        assertThat(usage.path("output_tokens").asInt()).isEqualTo(8);
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("input_tokens").asInt()
                        + usage.path("output_tokens").asInt());

        RecordedRequest seen = last();
        assertThat(seen.path()).isEqualTo(upstreamPath);
        JsonNode sent = JSON.readTree(seen.body());
        assertThat(sent.path("model").asText()).isEqualTo("fake-" + d);
        if (d.equals("nat")) { // untranslated: the Responses request itself, model aside
            assertThat(sent.path("input").asText()).isEqualTo("hello there");
            assertThat(sent.path("instructions").asText()).isEqualTo("be brief");
            assertThat(sent.has("messages")).isFalse();
            assertThat(seen.headers().get("authorization")).containsExactly("Bearer sk-nat");
        } else {
            assertThat(seen.body()).contains("be brief").contains("hello there").doesNotContain("\"input\"");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ant, /v1/messages", "oai, /v1/chat/completions", "oll, /api/chat", "nat, /v1/responses"})
    void aStreamedAnswerHasTheResponsesEventsInOrderFromEachUpstreamDialect(String d, String upstreamPath)
            throws Exception {
        HttpResponse<String> r =
                Http.post(SLUICE.baseUri(), "/v1/responses", body("r-" + d, true, "stream please"), openAiHeaders());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(r.headers().firstValue("x-sluice-target")).contains(d + "/fake-" + d);
        assertThat(last().path()).isEqualTo(upstreamPath);
        ResponsesEvents ev = ResponsesEvents.parse(r.body());
        List<String> names = ev.names();
        for (int i = 0; i < ev.events().size(); i++) {
            ResponsesEvents.Event e = ev.events().get(i);
            assertThat(e.type()).as("event %d's data.type", i).isEqualTo(e.name());
            assertThat(e.data().path("sequence_number").asInt(-1))
                    .as("sequence_number of %s", names)
                    .isEqualTo(i);
        }
        assertThat(names.subList(0, 3))
                .containsExactly("response.created", "response.in_progress", "response.output_item.added");
        assertThat(names.get(names.size() - 1)).isEqualTo("response.completed");
        assertThat(names).containsOnlyOnce("response.completed").doesNotContain("response.failed", "error");
        assertThat(names.indexOf("response.output_text.delta"))
                .isGreaterThan(names.indexOf("response.output_item.added"))
                .isLessThan(names.indexOf("response.output_text.done"));
        assertThat(names.indexOf("response.output_text.done")).isLessThan(names.indexOf("response.content_part.done"));
        assertThat(names.indexOf("response.content_part.done")).isLessThan(names.indexOf("response.output_item.done"));
        assertThat(names.lastIndexOf("response.output_text.delta"))
                .isLessThan(names.indexOf("response.output_text.done"));

        String deltas = ev.text();
        assertThat(deltas).isNotBlank();
        assertThat(ev.named("response.output_text.done")
                        .get(0)
                        .data()
                        .path("text")
                        .asText())
                .isEqualTo(deltas);
        JsonNode completed = ev.last().data().path("response");
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.path("id").asText())
                .isEqualTo(ev.named("response.created")
                        .get(0)
                        .data()
                        .path("response")
                        .path("id")
                        .asText());
        assertThat(ResponsesEvents.outputText(completed)).isEqualTo(deltas);
        ArrayNode done = JSON.createArrayNode();
        ev.named("response.output_item.done").forEach(e -> done.add(e.data().path("item")));
        assertThat(completed.path("output")).isEqualTo(done);
        assertThat(completed.path("usage").path("output_tokens").asInt()).isEqualTo(8);
        assertThat(completed.path("usage").path("input_tokens").asInt()).isPositive();
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @CsvSource({
        "ant, false",
        "ant, true",
        "oai, false",
        "oai, true",
        "oll, false",
        "oll, true",
        "nat, false",
        "nat, true"
    })
    void aFunctionToolRoundTripEndsInTextQuotingTheToolsOutput(String d, boolean stream) throws Exception {
        String tools = "[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"the weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                + "\"required\":[\"city\"]}}]";
        HttpResponse<String> first = Http.post(
                SLUICE.baseUri(),
                "/v1/responses",
                "{\"model\":\"r-" + d + "\",\"stream\":" + stream + ",\"tools\":" + tools
                        + ",\"input\":\"weather in Paris?\"}",
                openAiHeaders());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode response = stream
                ? ResponsesEvents.parse(first.body()).last().data().path("response")
                : JSON.readTree(first.body());
        if (stream) {
            ResponsesEvents ev = ResponsesEvents.parse(first.body());
            assertThat(ev.last().name()).isEqualTo("response.completed");
            StringBuilder args = new StringBuilder();
            ev.named("response.function_call_arguments.delta")
                    .forEach(e -> args.append(e.data().path("delta").asText()));
            assertThat(ev.named("response.function_call_arguments.done")
                            .get(0)
                            .data()
                            .path("arguments")
                            .asText())
                    .isEqualTo(args.toString());
        }
        JsonNode call = response.path("output").get(0);
        assertThat(call.path("type").asText()).as(response.toString()).isEqualTo("function_call");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.path("arguments").asText()).path("city").asText())
                .isEqualTo("sluice");
        String callId = call.path("call_id").asText();
        assertThat(callId).isNotBlank();

        ArrayNode input = JSON.createArrayNode();
        input.addObject().put("role", "user").put("content", "weather in Paris?");
        ObjectNode back = input.addObject()
                .put("type", "function_call")
                .put("call_id", callId)
                .put("name", "get_weather")
                .put("arguments", call.path("arguments").asText());
        if (call.has("id")) {
            back.put("id", call.path("id").asText());
        }
        input.addObject()
                .put("type", "function_call_output")
                .put("call_id", callId)
                .put("output", "sunny and 21C");
        ObjectNode second = JSON.createObjectNode().put("model", "r-" + d).put("stream", stream);
        second.set("tools", JSON.readTree(tools));
        second.set("input", input);
        HttpResponse<String> r = Http.post(SLUICE.baseUri(), "/v1/responses", second.toString(), openAiHeaders());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String text =
                stream ? ResponsesEvents.parse(r.body()).text() : ResponsesEvents.outputText(JSON.readTree(r.body()));
        assertThat(text).contains("sunny and 21C");
        if (!d.equals("oll")) { // Ollama has no call ids: its tool message names the tool
            assertThat(last().body()).contains(callId);
        }
    }

    @Test
    void aStoredTurnContinuesOnANativeRouteWholeButAnUnknownIdCannotGoToATranslatingTarget() throws Exception {
        JsonNode first = JSON.readTree(
                post(body("r-ant", false, "remember the word plum")).body());
        String id = first.path("id").asText();
        HttpResponse<String> next =
                post("{\"model\":\"r-nat\",\"input\":\"which word?\",\"previous_response_id\":\"" + id + "\"}");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        RecordedRequest seen = last();
        assertThat(seen.path()).isEqualTo("/v1/responses");
        JsonNode sent = JSON.readTree(seen.body());
        assertThat(sent.has("previous_response_id"))
                .as("Sluice's id means nothing to the provider")
                .isFalse();
        assertThat(sent.path("input")).hasSize(3);
        assertThat(sent.path("input").toString())
                .contains("remember the word plum")
                .contains(ResponsesEvents.outputText(first))
                .contains("which word?");

        // a native provider is configured, so an id Sluice does not know may be that provider's: only it can
        // take the request; a translating target would answer without the conversation the client asked for
        int before = FAKE.provider().recentRequests().size();
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> r = post("{\"model\":\"r-ant\",\"stream\":" + stream
                    + ",\"input\":\"go on\",\"previous_response_id\":\"resp_not_sluices\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            assertThat(message(r)).contains("resp_not_sluices");
        }
        assertThat(FAKE.provider().recentRequests()).hasSize(before);
        HttpResponse<String> nat =
                post("{\"model\":\"r-nat\",\"input\":\"go on\",\"previous_response_id\":\"resp_x\"}");
        assertThat(nat.statusCode()).as(nat.body()).isEqualTo(200);
        assertThat(JSON.readTree(last().body()).path("previous_response_id").asText())
                .isEqualTo("resp_x");
    }

    @Test
    void theRequestMetricsCarryTheResponsesDialect() throws Exception {
        double before = requestsInMetrics("responses", "success");
        assertThat(post(body("r-ant", false, "count me")).statusCode()).isEqualTo(200);
        assertThat(post(body("r-oll", true, "count me")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(requestsInMetrics("responses", "success") - before)
                        .isEqualTo(2));
        String metrics = Http.get(SLUICE.baseUri(), "/metrics").body();
        assertThat(metrics.lines()
                        .filter(l -> l.startsWith("sluice_tokens_total{") && l.contains("dialect=\"responses\"")
                                || l.startsWith("sluice_request_ttfb_seconds_count{")
                                        && l.contains("dialect=\"responses\"")))
                .isNotEmpty();
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return Http.post(SLUICE.baseUri(), "/v1/responses", body, openAiHeaders());
    }

    private static String message(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("message").asText();
    }

    static RecordedRequest last() {
        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        return seen.get(seen.size() - 1);
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
