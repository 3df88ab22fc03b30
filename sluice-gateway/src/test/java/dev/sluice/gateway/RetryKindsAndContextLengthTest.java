package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.openAiHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Same-target retries per failure kind (a 500 and a refused connect: once; a 529: none) and a route's
 * context-length targets, end to end through both ingresses, counted at the fake and in the access log.
 */
@LeakChecked
class RetryKindsAndContextLengthTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger ACCESS = Logger.getLogger("sluice.access");
    private static final AccessLogTap ACCESS_TAP = new AccessLogTap();
    private static final int CLOSED_PORT = closedPort();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(4));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
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
            "providers.dead.kind",
            "anthropic",
            "providers.dead.url",
            "http://127.0.0.1:" + CLOSED_PORT,
            "providers.dead.api-keys",
            "sk-dead",
            "routes.server-error-first.targets",
            "oai:fault-server-error,ant:fake-model",
            "routes.overloaded-first.targets",
            "oai:fault-overloaded,ant:fake-model",
            "routes.closed-first.targets",
            "dead:fake-model,ant:fake-model",
            "routes.long-prompt.targets",
            "oai:fault-context-length,oai:fake-model",
            "routes.long-prompt.on-context-length",
            "ant:fake-model-1m",
            "routes.too-long-everywhere.targets",
            "oai:fault-context-length",
            "routes.too-long-everywhere.on-context-length",
            "ant:fault-context-length",
            "routes.no-wider-target.targets",
            "oai:fault-context-length,ant:fake-model",
            "routing.breaker.min-calls",
            "1000",
            "routing.breaker.window",
            "1000",
            "routing.retry-floor",
            "100");

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void tap() {
        ACCESS.addHandler(ACCESS_TAP);
    }

    @AfterAll
    static void untap() {
        ACCESS.removeHandler(ACCESS_TAP);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void aServerErrorIsRetriedOnceOnItsTargetThenTheNextTargetAnswers(boolean stream) throws Exception {
        int before = count();

        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(), "/v1/messages", Http.messageBody("server-error-first", stream), anthropicHeaders());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-sluice-target")).contains("ant/fake-model");
        assertThat(models(since(before)))
                .containsExactly(
                        "/v1/chat/completions fault-server-error",
                        "/v1/chat/completions fault-server-error",
                        "/v1/messages fake-model");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void anOverloadedTargetIsLeftAtOnceForTheNext(boolean stream) throws Exception {
        int before = count();

        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("overloaded-first", stream), openAiHeaders());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-sluice-target")).contains("ant/fake-model");
        assertThat(models(since(before)))
                .containsExactly("/v1/chat/completions fault-overloaded", "/v1/messages fake-model");
    }

    @Test
    void aRefusedConnectionIsRetriedOnceThenTheNextTargetAnswers() throws Exception {
        int before = count();
        ACCESS_TAP.lines.clear();

        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                Http.messageBody("closed-first", false),
                anthropicHeaders("x-request-id", "req-closed-first"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(models(since(before))).containsExactly("/v1/messages fake-model");
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(ACCESS_TAP.lines)
                        .filteredOn(l -> l.contains("req-closed-first"))
                        .singleElement()
                        .asString()
                        .contains(" targets=dead/fake-model,dead/fake-model,ant/fake-model "));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void aPromptTooLongForTheTargetIsAnsweredByTheRoutesContextLengthTargetForAnAnthropicClient(boolean stream)
            throws Exception {
        int before = count();

        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(), "/v1/messages", Http.messageBody("long-prompt", stream), anthropicHeaders());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-sluice-target")).contains("ant/fake-model-1m");
        assertThat(r.body()).doesNotContain("prompt is too long");
        if (!stream) {
            assertThat(JSON.readTree(r.body()).path("type").asText()).isEqualTo("message");
        }
        assertThat(models(since(before)))
                .as("never the route's other target, never the same target twice")
                .containsExactly("/v1/chat/completions fault-context-length", "/v1/messages fake-model-1m");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void aPromptTooLongForTheTargetIsAnsweredByTheRoutesContextLengthTargetForAnOpenAiClient(boolean stream)
            throws Exception {
        int before = count();

        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("long-prompt", stream), openAiHeaders());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-sluice-target")).contains("ant/fake-model-1m");
        if (!stream) {
            assertThat(JSON.readTree(r.body()).path("object").asText()).isEqualTo("chat.completion");
        } else {
            assertThat(r.body()).contains("data: [DONE]");
        }
        assertThat(models(since(before)))
                .containsExactly("/v1/chat/completions fault-context-length", "/v1/messages fake-model-1m");
    }

    @Test
    void withoutContextLengthTargetsTheContextLength400ReachesTheClientInItsDialectAfterOneAttempt() throws Exception {
        int before = count();
        HttpResponse<String> a = Http.post(
                SLUICE.baseUri(), "/v1/messages", Http.messageBody("no-wider-target", false), anthropicHeaders());

        assertThat(a.statusCode()).as(a.body()).isEqualTo(400);
        JsonNode anthropic = JSON.readTree(a.body());
        assertThat(anthropic.path("type").asText()).isEqualTo("error");
        assertThat(anthropic.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(anthropic.path("error").path("message").asText()).contains("prompt is too long");
        assertThat(models(since(before))).containsExactly("/v1/chat/completions fault-context-length");

        before = count();
        HttpResponse<String> o = Http.post(
                SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("no-wider-target", true), openAiHeaders());

        assertThat(o.statusCode()).as(o.body()).isEqualTo(400);
        JsonNode openAi = JSON.readTree(o.body());
        assertThat(openAi.has("type")).isFalse();
        assertThat(openAi.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(openAi.path("error").path("message").asText()).contains("prompt is too long");
        assertThat(models(since(before))).containsExactly("/v1/chat/completions fault-context-length");
    }

    @Test
    void whenTheContextLengthTargetIsTooSmallTooItsAnswerIsPassedOn() throws Exception {
        int before = count();

        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("too-long-everywhere", false), openAiHeaders());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
                .contains("prompt is too long");
        assertThat(models(since(before)))
                .containsExactly("/v1/chat/completions fault-context-length", "/v1/messages fault-context-length");
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
        for (RecordedRequest r : requests) {
            out.add(r.path() + " " + JSON.readTree(r.body()).path("model").asText());
        }
        return out;
    }
}
