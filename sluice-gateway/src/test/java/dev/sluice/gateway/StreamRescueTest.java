package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rescues of a streamed answer, in both client dialects against both upstream dialects: a stream cut or
 * stalled after some text is continued on the route's next target (the client sees one well-formed answer
 * whose text is the whole answer), a stream with no content before {@code timeouts.first-token} fails
 * over before anything reached the client, a target that refuses the prefill ends in the original break's
 * error (never the refusal), and a malformed event is skipped when {@code stream.skip-malformed-events} is on.
 */
@LeakChecked
class StreamRescueTest {

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

    /** For upstream u in ant (anthropic kind), oai (openai kind, continuation on): routes per fault. */
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
                "providers.oai.continuation",
                "true",
                "timeouts.first-byte",
                "2s",
                "timeouts.first-token",
                "700ms",
                "timeouts.idle",
                "700ms",
                "timeouts.total",
                "20s",
                "stream.skip-malformed-events",
                "true",
                "routing.breaker.min-calls",
                "1000",
                "routing.retry-floor",
                "100"));
        for (String u : List.of("ant", "oai")) {
            s.addAll(List.of("routes.ok-" + u + ".targets", u + ":fake-model"));
            s.addAll(List.of("routes.cut-" + u + ".targets", u + ":fault-stream-cut-at-3," + u + ":fake-model"));
            s.addAll(List.of("routes.stall-" + u + ".targets", u + ":fault-stall-at-3," + u + ":fake-model"));
            s.addAll(List.of(
                    "routes.late-" + u + ".targets", u + ":fault-slow-first-token-after-3000," + u + ":fake-model"));
            s.addAll(List.of(
                    "routes.refused-" + u + ".targets", u + ":fault-stream-cut-at-3," + u + ":fault-refuse-prefill"));
            s.addAll(List.of("routes.malformed-" + u + ".targets", u + ":fault-malformed-event-at-2"));
            s.addAll(List.of(
                    "routes.kept-" + u + ".targets",
                    u + ":fault-stream-cut-at-3," + u + ":fake-model",
                    "routes.kept-" + u + ".continuation",
                    "false"));
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

    /** One streamed answer as the client read it. */
    record Answer(int status, List<String> events, String text, String body) {
        boolean failed() {
            return events.contains("error");
        }
    }

    static Answer stream(String client, String model, String requestId) throws Exception {
        boolean anthropic = client.equals("anthropic");
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                anthropic ? "/v1/messages" : "/v1/chat/completions",
                anthropic ? Http.messageBody(model, true) : Http.chatBody(model, true),
                anthropic
                        ? Http.anthropicHeaders("x-request-id", requestId)
                        : Http.openAiHeaders("x-request-id", requestId));
        List<String> events = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String frame : r.body().split("\n\n")) {
            String event = null;
            String data = null;
            for (String line : frame.split("\n")) {
                if (line.startsWith("event: ")) event = line.substring(7);
                if (line.startsWith("data: ")) data = line.substring(6);
            }
            if (data == null) continue; // a heartbeat comment
            if (anthropic) {
                events.add(event);
                JsonNode d = JSON.readTree(data);
                if ("text_delta".equals(d.path("delta").path("type").asText())) {
                    text.append(d.path("delta").path("text").asText());
                }
            } else if (data.equals("[DONE]")) {
                events.add("[DONE]");
            } else {
                JsonNode d = JSON.readTree(data);
                if (d.has("error")) {
                    events.add("error");
                } else {
                    JsonNode choice = d.path("choices").path(0);
                    if (choice.path("delta").has("role")) events.add("role");
                    text.append(choice.path("delta").path("content").asText(""));
                    if (choice.path("finish_reason").isTextual())
                        events.add("finish:" + choice.path("finish_reason").asText());
                }
            }
        }
        return new Answer(r.statusCode(), events, text.toString(), r.body());
    }

    static String accessLine(String id) {
        return ACCESS_LINES.stream()
                .filter(l -> l.contains("id=" + id + " "))
                .findFirst()
                .orElse(null);
    }

    static void wellFormed(String client, Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.failed()).as(a.body()).isFalse();
        if (client.equals("anthropic")) {
            assertThat(a.events()).as(a.body()).first().isEqualTo("message_start");
            assertThat(a.events()).as(a.body()).last().isEqualTo("message_stop");
            assertThat(a.events().stream().filter("message_start"::equals))
                    .as(a.body())
                    .hasSize(1);
            assertThat(a.events().stream().filter("content_block_start"::equals))
                    .as(a.body())
                    .hasSize(1);
            assertThat(a.events().stream().filter("content_block_stop"::equals))
                    .as(a.body())
                    .hasSize(1);
        } else {
            assertThat(a.events()).as(a.body()).first().isEqualTo("role");
            assertThat(a.events().stream().filter("role"::equals)).as(a.body()).hasSize(1);
            assertThat(a.events()).as(a.body()).endsWith("finish:stop", "[DONE]");
        }
    }

    @ParameterizedTest(name = "{0} client, {1} upstream, {2}")
    @CsvSource({
        "anthropic, ant, cut",
        "anthropic, oai, cut",
        "openai, ant, cut",
        "openai, oai, cut",
        "anthropic, ant, stall",
        "anthropic, oai, stall",
        "openai, ant, stall",
        "openai, oai, stall",
    })
    void aStreamBrokenAfterTextIsContinuedOnTheNextTargetIntoOneWholeAnswer(String client, String u, String fault)
            throws Exception {
        String whole = stream(client, "ok-" + u, "whole-" + client + u + fault).text();
        assertThat(whole).isNotBlank();
        String id = "cont-" + client + "-" + u + "-" + fault;

        Answer a = stream(client, fault + "-" + u, id);

        wellFormed(client, a);
        assertThat(a.text()).as("the continued answer's text").isEqualTo(whole);
        var continuation = FAKE.provider().recentRequests().stream()
                .filter(q -> q.body().contains("\"role\":\"assistant\""))
                .reduce((first, second) -> second)
                .orElseThrow();
        if (u.equals("oai")) {
            assertThat(continuation.body()).contains("\"continue_final_message\":true");
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> accessLine(id) != null);
        assertThat(accessLine(id))
                .contains("targets=" + u + "/fault-" + (fault.equals("cut") ? "stream-cut" : fault) + "-at-3," + u
                        + "/fake-model")
                .containsPattern("continued_at=[1-9][0-9]*")
                .contains("outcome=SUCCESS");
        assertThat(Http.get(SLUICE.baseUri(), "/metrics").body())
                .containsPattern(
                        "sluice_stream_continuations_total\\{outcome=\"success\",provider=\"" + u + "\"} [1-9]");
    }

    @ParameterizedTest(name = "{0} client, {1} upstream")
    @CsvSource({"anthropic, ant", "openai, oai"})
    void aRouteWithContinuationOffEndsABrokenStreamWithAnErrorAfterOneAttempt(String client, String u)
            throws Exception {
        String id = "kept-" + client + "-" + u;

        Answer a = stream(client, "kept-" + u, id);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.text()).isNotEmpty();
        assertThat(a.events()).as(a.body()).last().isEqualTo("error");
        await().atMost(Duration.ofSeconds(2)).until(() -> accessLine(id) != null);
        assertThat(accessLine(id))
                .contains("targets=" + u + "/fault-stream-cut-at-3 ")
                .doesNotContain("continued_at")
                .contains("outcome=FAILURE");
    }

    @ParameterizedTest(name = "{0} client, {1} upstream")
    @CsvSource({"anthropic, ant", "anthropic, oai", "openai, ant", "openai, oai"})
    void noContentWithinTheFirstTokenDeadlineFailsOverBeforeTheClientSawAnything(String client, String u)
            throws Exception {
        String whole = stream(client, "ok-" + u, "late-whole-" + client + u).text();
        String id = "late-" + client + "-" + u;

        Answer a = stream(client, "late-" + u, id);

        wellFormed(client, a);
        assertThat(a.text()).isEqualTo(whole);
        await().atMost(Duration.ofSeconds(2)).until(() -> accessLine(id) != null);
        assertThat(accessLine(id))
                .contains("targets=" + u + "/fault-slow-first-token-after-3000," + u + "/fake-model")
                .doesNotContain("continued_at")
                .contains("outcome=SUCCESS");
    }

    @ParameterizedTest(name = "{0} client, {1} upstream")
    @CsvSource({"anthropic, ant", "anthropic, oai", "openai, ant", "openai, oai"})
    void aTargetRefusingThePrefillEndsInTheBreaksErrorNotTheRefusal(String client, String u) throws Exception {
        String id = "refused-" + client + "-" + u;

        Answer a = stream(client, "refused-" + u, id);

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.events()).as(a.body()).last().isEqualTo("error");
        assertThat(a.text()).as("the text delivered before the break stays").isNotEmpty();
        assertThat(a.body())
                .as("the client hears of the break, not of the refused prefill")
                .contains("no target could continue the answer")
                .doesNotContain("prefill");
        if (client.equals("anthropic")) {
            assertThat(a.events()).doesNotContain("message_stop");
        } else {
            assertThat(a.events()).doesNotContain("[DONE]");
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> accessLine(id) != null);
        assertThat(accessLine(id)).contains("outcome=FAILURE");
    }

    @ParameterizedTest(name = "{0} client, {1} upstream")
    @CsvSource({"anthropic, ant", "anthropic, oai", "openai, ant", "openai, oai"})
    void aMalformedEventIsSkippedCountedAndLoggedWhenSoConfigured(String client, String u) throws Exception {
        String whole = stream(client, "ok-" + u, "mal-whole-" + client + u).text();
        String id = "malformed-" + client + "-" + u;

        Answer a = stream(client, "malformed-" + u, id);

        wellFormed(client, a);
        assertThat(a.text()).isEqualTo(whole);
        await().atMost(Duration.ofSeconds(2)).until(() -> accessLine(id) != null);
        assertThat(accessLine(id)).contains("skipped_events=1").contains("outcome=SUCCESS");
        assertThat(Http.get(SLUICE.baseUri(), "/metrics").body())
                .containsPattern("sluice_upstream_events_skipped_total\\{provider=\"" + u + "\"} [1-9]");
    }

    @org.junit.jupiter.api.Test
    void anOpenAiClientStreamingWithoutAskingForUsageIsMeteredAndGetsNoUsageChunk() throws Exception {
        String id = "usage-unasked";

        Answer a = stream("openai", "ok-oai", id);

        wellFormed("openai", a);
        assertThat(a.body()).as("no usage chunk the client did not ask for").doesNotContain("\"choices\":[]");
        var sent = FAKE.provider().recentRequests().stream()
                .filter(q -> q.path().equals("/v1/chat/completions"))
                .reduce((first, second) -> second)
                .orElseThrow();
        assertThat(JSON.readTree(sent.body())
                        .path("stream_options")
                        .path("include_usage")
                        .asBoolean())
                .as("Sluice asked the upstream for the usage")
                .isTrue();
        await().atMost(Duration.ofSeconds(2)).until(() -> accessLine(id) != null);
        assertThat(accessLine(id)).containsPattern("tokens_out=[1-9]");
    }
}
