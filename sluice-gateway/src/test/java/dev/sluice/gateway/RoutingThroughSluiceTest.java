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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Routing end to end: fallback before the first byte, breakers, session affinity, key rotation on 429. */
@LeakChecked
class RoutingThroughSluiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(6));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-one,sk-two",
            "providers.ant.kind",
            "anthropic",
            "providers.ant.url",
            "{fake}",
            "providers.ant.api-keys",
            "sk-ant",
            "providers.oll.kind",
            "ollama",
            "providers.oll.url",
            "{fake}",
            "providers.oai2.kind",
            "openai",
            "providers.oai2.url",
            "{fake}/v1",
            "providers.oai2.api-keys",
            "sk-2",
            "routes.answered-by.targets",
            "oai2:fault-server-error,ant:fake-model",
            "routes.falls-back.targets",
            "oai:fault-server-error,ant:fake-model",
            "routes.breaks.targets",
            "oai:fault-overloaded",
            "routes.sticky.targets",
            "ant:sticky-a,oai:sticky-b,oll:sticky-c",
            "routes.sticky.balance",
            "weighted",
            "routes.limited.targets",
            "oai:fault-rate-limit-no-retry-after,ant:fake-model",
            "routing.breaker.min-calls",
            "4",
            "routing.breaker.window",
            "4",
            "routing.breaker.open-for",
            "30s",
            "routing.probe-min",
            "30s",
            "routing.probe-max",
            "60s",
            "routing.retry-floor",
            "50");

    @Test
    void anAnthropicClientFallsBackFromAFailingOpenAiTargetBeforeTheFirstByte() throws Exception {
        int before = FAKE.provider().recentRequests().size();

        HttpResponse<String> r =
                Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody("falls-back", true), anthropicHeaders());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("event: message_stop").doesNotContain("event: error");
        List<RecordedRequest> seen = since(before);
        assertThat(seen)
                .extracting(RecordedRequest::path)
                .as("a 500 is retried once on its target before the next")
                .containsExactly("/v1/chat/completions", "/v1/chat/completions", "/v1/messages");
        assertThat(seen.get(0).headers().get("authorization")).containsExactly("Bearer sk-one");
        assertThat(seen.get(2).headers().get("x-api-key")).containsExactly("sk-ant");
    }

    @Test
    void aFallbackAnswerNamesTheTargetThatAnsweredInItsHeaderAndItsModel() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            int before = FAKE.provider().recentRequests().size();
            HttpResponse<String> o = Http.post(
                    SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("answered-by", stream), openAiHeaders());
            assertThat(o.statusCode()).isEqualTo(200);
            assertThat(since(before))
                    .extracting(RecordedRequest::path)
                    .as("fell back")
                    .containsExactly("/v1/chat/completions", "/v1/chat/completions", "/v1/messages");
            assertThat(o.headers().firstValue("x-sluice-target"))
                    .as("stream=%s", stream)
                    .contains("ant/fake-model");
            List<String> chunks = stream
                    ? o.body()
                            .lines()
                            .filter(l -> l.startsWith("data: {"))
                            .map(l -> l.substring("data: ".length()))
                            .toList()
                    : List.of(o.body());
            assertThat(chunks).isNotEmpty();
            for (String chunk : chunks) {
                assertThat(JSON.readTree(chunk).path("model").asText())
                        .as("translated, stream=%s", stream)
                        .isEqualTo("fake-model");
            }
        }
        HttpResponse<String> a =
                Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody("answered-by", false), anthropicHeaders());
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.headers().firstValue("x-sluice-target")).contains("ant/fake-model");
        assertThat(JSON.readTree(a.body()).path("model").asText())
                .as("same dialect")
                .isEqualTo("fake-model");
    }

    @Test
    void anOpenBreakerAnswersAtOnceInTheClientsDialectWithoutCallingTheUpstream() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(Http.post(
                                    SLUICE.baseUri(),
                                    "/v1/chat/completions",
                                    Http.chatBody("breaks", false),
                                    openAiHeaders())
                            .statusCode())
                    .isEqualTo(503);
        }
        int before = FAKE.provider().recentRequests().size();

        HttpResponse<String> o =
                Http.post(SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("breaks", false), openAiHeaders());
        HttpResponse<String> a =
                Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody("breaks", false), anthropicHeaders());

        assertThat(since(before)).isEmpty();
        assertThat(o.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(o.body()).path("error").path("message").asText())
                .contains("circuit");
        assertThat(a.statusCode()).isEqualTo(529);
        assertThat(JSON.readTree(a.body()).path("error").path("type").asText()).isEqualTo("overloaded_error");
        JsonNode stats =
                JSON.readTree(Http.get(SLUICE.baseUri(), "/system/stats").body());
        assertThat(stats.path("routing")
                        .path("targets")
                        .path("oai/fault-overloaded")
                        .path("breaker")
                        .asText())
                .isEqualTo("OPEN");
    }

    @Test
    void aSessionSticksToOneTargetWhileItIsHealthy() throws Exception {
        Set<String> models = new HashSet<>();
        for (String session : List.of("s-1", "s-2", "s-3", "s-4", "s-5", "s-6")) {
            Set<String> forSession = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                int before = FAKE.provider().recentRequests().size();
                HttpResponse<String> r = Http.post(
                        SLUICE.baseUri(),
                        "/v1/messages",
                        Http.messageBody("sticky", false),
                        anthropicHeaders("x-claude-code-session-id", session));
                assertThat(r.statusCode()).isEqualTo(200);
                String body = since(before).get(0).body();
                forSession.add(body.replaceAll(".*\"model\":\"(sticky-.)\".*", "$1"));
            }
            assertThat(forSession).as("targets used by session " + session).hasSize(1);
            models.addAll(forSession);
        }
        assertThat(models).as("sessions spread over targets").hasSizeGreaterThan(1);
    }

    @Test
    void a429RotatesToTheNextKeyOfTheProvider() throws Exception {
        int before = FAKE.provider().recentRequests().size();
        HttpResponse<String> r =
                Http.post(SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("limited", false), openAiHeaders());

        assertThat(r.statusCode()).isEqualTo(200);
        List<RecordedRequest> seen = since(before);
        assertThat(seen)
                .extracting(RecordedRequest::path)
                .containsExactly("/v1/chat/completions", "/v1/chat/completions", "/v1/messages");
        assertThat(List.of(
                        seen.get(0).headers().get("authorization").get(0),
                        seen.get(1).headers().get("authorization").get(0)))
                .containsExactlyInAnyOrder("Bearer sk-one", "Bearer sk-two"); // the second try used the other key
    }

    private static List<RecordedRequest> since(int before) {
        List<RecordedRequest> all = FAKE.provider().recentRequests();
        return List.copyOf(all.subList(before, all.size()));
    }
}
