package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rows of the failure table in docs/operations.md that {@link StreamRescueTest} leaves to others, in both
 * client dialects against both upstream dialects: a 500 once is retried on its own target, which then
 * answers (streams and whole answers); a whole answer cut short or garbled is retried, then answered by the
 * next target; {@code timeouts.first-token} leaves a whole answer alone; a prompt too long for an Anthropic
 * target goes to the route's context-length target.
 */
@LeakChecked
class WholeAnswerRescueTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CLIENTS = List.of("anthropic", "openai");
    private static final List<String> UPSTREAMS = List.of("ant", "oai");

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(6));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(FAKE, settings());

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
                "timeouts.first-token",
                "300ms",
                "timeouts.total",
                "20s",
                "routing.breaker.min-calls",
                "1000",
                "routing.retry-floor",
                "100",
                "routes.long-ant.targets",
                "ant:fault-context-length,ant:fake-model",
                "routes.long-ant.on-context-length",
                "oai:fake-model-1m"));
        int n = 0;
        for (String u : UPSTREAMS) {
            String other = u.equals("ant") ? "oai" : "ant";
            for (String client : CLIENTS) {
                for (boolean stream : List.of(false, true)) {
                    // each case its own -times- count at the fake
                    s.addAll(List.of(
                            "routes." + once(client, u, stream) + ".targets",
                            u + ":fault-server-error-times-1-case-" + ++n + "," + other + ":fake-model"));
                }
            }
            s.addAll(List.of("routes.cut-" + u + ".targets", u + ":fault-stream-cut," + other + ":fake-model"));
            s.addAll(List.of("routes.malformed-" + u + ".targets", u + ":fault-malformed," + other + ":fake-model"));
            s.addAll(List.of(
                    "routes.late-" + u + ".targets",
                    u + ":fault-slow-first-token-after-1200," + other + ":fake-model"));
        }
        return s.toArray(String[]::new);
    }

    private static String once(String client, String u, boolean stream) {
        return "once-" + client + "-" + u + "-" + stream;
    }

    @ParameterizedTest(name = "{0} client, {1} upstream, stream={2}")
    @CsvSource({
        "anthropic, ant, false",
        "anthropic, ant, true",
        "anthropic, oai, false",
        "anthropic, oai, true",
        "openai, ant, false",
        "openai, ant, true",
        "openai, oai, false",
        "openai, oai, true",
    })
    void aServerErrorOnceIsRetriedOnItsTargetWhichThenAnswers(String client, String u, boolean stream)
            throws Exception {
        int before = count();

        HttpResponse<String> r = post(client, once(client, u, stream), stream);

        answered(client, stream, r);
        List<String> seen = models(since(before));
        assertThat(seen).as(r.body()).hasSize(2);
        assertThat(seen.get(0)).startsWith(path(u) + " fault-server-error-times-1-case-");
        assertThat(seen.get(1)).as("the same target again, not the next one").isEqualTo(seen.get(0));
        assertThat(r.headers().firstValue("x-sluice-target").orElseThrow())
                .isEqualTo(u + "/" + seen.get(0).substring(seen.get(0).indexOf(' ') + 1));
    }

    @ParameterizedTest(name = "{0} client, {1} upstream, {2}")
    @CsvSource({
        "anthropic, ant, cut",
        "anthropic, oai, cut",
        "openai, ant, cut",
        "openai, oai, cut",
        "anthropic, ant, malformed",
        "anthropic, oai, malformed",
        "openai, ant, malformed",
        "openai, oai, malformed",
    })
    void aWholeAnswerCutShortOrGarbledIsRetriedThenAnsweredByTheNextTarget(String client, String u, String fault)
            throws Exception {
        String other = u.equals("ant") ? "oai" : "ant";
        String broken = fault.equals("cut") ? "fault-stream-cut" : "fault-malformed";
        int before = count();

        HttpResponse<String> r = post(client, fault + "-" + u, false);

        answered(client, false, r);
        assertThat(models(since(before)))
                .as("one same-target retry (routing.same-target-retries), then the next target")
                .containsExactly(path(u) + " " + broken, path(u) + " " + broken, path(other) + " fake-model");
        assertThat(r.headers().firstValue("x-sluice-target")).contains(other + "/fake-model");
    }

    @ParameterizedTest(name = "{0} client, {1} upstream")
    @CsvSource({"anthropic, ant", "anthropic, oai", "openai, ant", "openai, oai"})
    void theFirstTokenDeadlineLeavesAWholeAnswerToTheTotalTimeout(String client, String u) throws Exception {
        int before = count();

        HttpResponse<String> r = post(client, "late-" + u, false);

        answered(client, false, r);
        assertThat(models(since(before)))
                .as("a whole answer shows no first token: the slow target answers")
                .containsExactly(path(u) + " fault-slow-first-token-after-1200");
    }

    @ParameterizedTest(name = "{0} client, stream={1}")
    @CsvSource({"anthropic, false", "anthropic, true", "openai, false", "openai, true"})
    void aPromptTooLongForAnAnthropicTargetGoesToTheRoutesContextLengthTarget(String client, boolean stream)
            throws Exception {
        int before = count();

        HttpResponse<String> r = post(client, "long-ant", stream);

        answered(client, stream, r);
        assertThat(models(since(before)))
                .containsExactly("/v1/messages fault-context-length", "/v1/chat/completions fake-model-1m");
    }

    private static HttpResponse<String> post(String client, String model, boolean stream) throws Exception {
        boolean anthropic = client.equals("anthropic");
        return Http.post(
                SLUICE.baseUri(),
                anthropic ? "/v1/messages" : "/v1/chat/completions",
                anthropic ? Http.messageBody(model, stream) : Http.chatBody(model, stream),
                anthropic ? Http.anthropicHeaders() : Http.openAiHeaders());
    }

    /** A complete answer in the client's dialect, streamed or whole. */
    private static void answered(String client, boolean stream, HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        boolean anthropic = client.equals("anthropic");
        if (stream) {
            assertThat(r.body())
                    .as("a finished stream without an error")
                    .doesNotContain("event: error")
                    .doesNotContain("\"error\"")
                    .contains(anthropic ? "event: message_stop" : "data: [DONE]");
            return;
        }
        JsonNode a = JSON.readTree(r.body());
        if (anthropic) {
            assertThat(a.path("content").path(0).path("text").asText())
                    .as(r.body())
                    .isNotBlank();
            assertThat(a.path("stop_reason").asText()).isEqualTo("end_turn");
        } else {
            JsonNode choice = a.path("choices").path(0);
            assertThat(choice.path("message").path("content").asText())
                    .as(r.body())
                    .isNotBlank();
            assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        }
    }

    private static String path(String u) {
        return u.equals("ant") ? "/v1/messages" : "/v1/chat/completions";
    }

    private static int count() {
        return FAKE.provider().recentRequests().size();
    }

    private static List<RecordedRequest> since(int before) {
        List<RecordedRequest> all = FAKE.provider().recentRequests();
        return List.copyOf(all.subList(before, all.size()));
    }

    /** Each request as its path and the model it asked for. */
    private static List<String> models(List<RecordedRequest> requests) throws Exception {
        List<String> out = new ArrayList<>();
        for (RecordedRequest q : requests) {
            out.add(q.path() + " " + JSON.readTree(q.body()).path("model").asText());
        }
        return out;
    }
}
