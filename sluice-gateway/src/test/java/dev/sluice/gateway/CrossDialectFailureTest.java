package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.openAiHeaders;
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
 * DESIGN.md's failure table across translation, in both ingress dialects: an Anthropic client whose
 * route goes to an OpenAI-dialect upstream, and an OpenAI client whose route goes to an
 * Anthropic-dialect upstream. Each case checks the client's answer (status, error shape in its own
 * dialect, Retry-After) and how many attempts the fake provider saw.
 */
@LeakChecked
class CrossDialectFailureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String[] FAULTS = {
        "rate-limit",
        "rate-limit-no-retry-after",
        "server-error",
        "unavailable",
        "overloaded",
        "context-length",
        "reset",
        "no-answer",
        "slow-headers",
        "stream-cut",
        "stall",
        "malformed",
        "no-terminator",
        "content-filter"
    };

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(8));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(FAKE, settings());

    /** Routes {@code a-<fault>} (Anthropic clients, OpenAI upstream) and {@code o-<fault>} (the reverse). */
    private static String[] settings() {
        List<String> s = new ArrayList<>(List.of(
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
                "timeouts.first-byte",
                "700ms",
                "timeouts.idle",
                "700ms",
                "timeouts.total",
                "20s",
                "routing.max-retry-after",
                "500ms",
                "routing.breaker.min-calls",
                "100",
                "routing.retry-floor",
                "50"));
        for (String f : FAULTS) {
            s.addAll(List.of(
                    "routes.a-" + f + ".targets", "oai:fault-" + f, "routes.o-" + f + ".targets", "ant:fault-" + f));
        }
        return s.toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0} stream={1} -> {2} in both dialects, {4} attempt(s)")
    @CsvSource({
        "rate-limit, false, 429, 1, 1",
        "rate-limit, true, 429, 1, 1",
        "rate-limit-no-retry-after, false, 429, , 1",
        "server-error, false, 500, , 2",
        "server-error, true, 500, , 2",
        "unavailable, false, 503, 2, 1",
        "context-length, false, 400, , 1",
        "context-length, true, 400, , 1",
        "reset, false, 502, , 2",
        "reset, true, 502, , 2",
        "no-answer, true, 504, , 1",
        "slow-headers, true, 504, , 1",
    })
    void failuresBeforeTheFirstByteAnswerInTheClientsDialect(
            String fault, boolean stream, int status, String retryAfter, int attempts) throws Exception {
        int before = seen("fault-" + fault);
        HttpResponse<String> a =
                Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody("a-" + fault, stream), anthropicHeaders());
        assertThat(a.statusCode()).as("anthropic client status").isEqualTo(status);
        JsonNode ae = JSON.readTree(a.body());
        assertThat(ae.path("type").asText()).isEqualTo("error");
        assertThat(ae.path("error").path("message").asText()).isNotBlank();
        assertThat(a.headers().firstValue("retry-after").orElse(null)).isEqualTo(retryAfter);
        assertThat(seen("fault-" + fault) - before).as("attempts seen upstream").isEqualTo(attempts);

        HttpResponse<String> o = Http.post(
                SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("o-" + fault, stream), openAiHeaders());
        assertThat(o.statusCode()).as("openai client status").isEqualTo(status);
        JsonNode oe = JSON.readTree(o.body());
        assertThat(oe.has("type")).isFalse();
        assertThat(oe.path("error").path("message").asText()).isNotBlank();
        assertThat(oe.path("error").has("type")).isTrue();
        assertThat(o.headers().firstValue("retry-after").orElse(null)).isEqualTo(retryAfter);
        assertThat(seen("fault-" + fault) - before).as("attempts seen upstream").isEqualTo(2 * attempts);
        if (fault.equals("context-length")) {
            assertThat(a.body() + o.body()).containsIgnoringCase("context");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"stream-cut", "stall", "malformed"})
    void failuresMidStreamEndWithAnInBandErrorAndNoTerminator(String fault) throws Exception {
        HttpResponse<String> a =
                Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody("a-" + fault, true), anthropicHeaders());
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.body()).contains("event: error").doesNotContain("event: message_stop");
        assertThat(a.body().strip()).endsWith("}"); // the error event is the last thing written

        HttpResponse<String> o =
                Http.post(SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("o-" + fault, true), openAiHeaders());
        assertThat(o.statusCode()).isEqualTo(200);
        assertThat(o.body()).contains("data: {\"error\"").doesNotContain("[DONE]");
    }

    @ParameterizedTest(name = "stream={0}")
    @CsvSource({"false", "true"})
    void contentFilterPassesThroughAsTheClientsStopReason(boolean stream) throws Exception {
        HttpResponse<String> a = Http.post(
                SLUICE.baseUri(), "/v1/messages", Http.messageBody("a-content-filter", stream), anthropicHeaders());
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.body()).contains("\"stop_reason\":\"refusal\"");

        HttpResponse<String> o = Http.post(
                SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("o-content-filter", stream), openAiHeaders());
        assertThat(o.statusCode()).isEqualTo(200);
        assertThat(o.body()).contains("\"finish_reason\":\"content_filter\"");
        if (stream) {
            assertThat(o.body()).contains("[DONE]");
        }
    }

    private static int seen(String model) {
        int n = 0;
        for (RecordedRequest r : FAKE.provider().recentRequests()) {
            if (r.body().contains("\"" + model + "\"")) {
                n++;
            }
        }
        return n;
    }
}
