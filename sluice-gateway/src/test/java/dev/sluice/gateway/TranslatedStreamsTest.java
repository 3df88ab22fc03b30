package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.openAiHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import dev.sluice.testkit.SseStream;
import dev.sluice.testkit.SseTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streams that cross dialects: thinking survives translation both ways, an upstream body that ends
 * cleanly after its finish signal but without its terminator gets the client's own end, a client
 * that leaves a translated stream cancels the upstream exchange at once, and a pooled connection
 * the upstream closed while idle does not fail the next request.
 */
@LeakChecked
class TranslatedStreamsTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(
            b -> b.deltas(40).deltaInterval(Duration.ofMillis(25)).idleTimeout(Duration.ofMillis(300)));

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
            "routes.to-openai.targets",
            "oai:fake-gpt",
            "routes.to-anthropic.targets",
            "ant:fake-claude",
            "routes.a-no-terminator.targets",
            "oai:fault-no-terminator",
            "routes.o-no-terminator.targets",
            "ant:fault-no-terminator");

    @Test
    void anthropicThinkingComesBackFromAnOpenAiUpstreamsReasoning() throws Exception {
        String body = "{\"model\":\"to-openai\",\"max_tokens\":4096,\"stream\":true,"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(SLUICE.baseUri(), "/v1/messages", body, anthropicHeaders());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .contains("\"type\":\"thinking\"")
                .contains("\"thinking_delta\"")
                .contains("\" step\"")
                .contains("event: message_stop");
        assertThat(r.body().indexOf("thinking_delta")).isLessThan(r.body().indexOf("text_delta"));
        assertThat(FAKE.provider()
                        .recentRequests()
                        .get(FAKE.provider().recentRequests().size() - 1)
                        .body())
                .contains("\"reasoning_effort\"");
    }

    @Test
    void openAiReasoningComesBackFromAnAnthropicUpstreamsThinking() throws Exception {
        String body = "{\"model\":\"to-anthropic\",\"max_completion_tokens\":8192,\"stream\":true,"
                + "\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.post(SLUICE.baseUri(), "/v1/chat/completions", body, openAiHeaders());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .contains("\"reasoning_content\":\"")
                .contains("step")
                .endsWith("data: [DONE]\n\n");
        assertThat(FAKE.provider()
                        .recentRequests()
                        .get(FAKE.provider().recentRequests().size() - 1)
                        .body())
                .contains("\"thinking\":{\"type\":\"enabled\"");
    }

    @Test
    void aStreamEndingCleanlyAfterItsFinishSignalWithoutTerminatorGetsTheClientsEnd() throws Exception {
        HttpResponse<String> a = Http.post(
                SLUICE.baseUri(), "/v1/messages", Http.messageBody("a-no-terminator", true), anthropicHeaders());
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.body())
                .doesNotContain("event: error")
                .contains("\"stop_reason\":\"end_turn\"")
                .endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

        HttpResponse<String> o = Http.post(
                SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("o-no-terminator", true), openAiHeaders());
        assertThat(o.statusCode()).isEqualTo(200);
        assertThat(o.body())
                .doesNotContain("{\"error\"")
                .contains("\"finish_reason\":\"stop\"")
                .endsWith("data: [DONE]\n\n");
    }

    /** An OpenAI-dialect client's stream on the route to the Anthropic upstream. */
    private static SseStream openAiStreamToAnthropic() throws Exception {
        return SseTestClient.connect(SLUICE.baseUri())
                .post(
                        "/v1/chat/completions",
                        Map.of(
                                "authorization",
                                "Bearer " + SluiceExtension.CLIENT_KEY,
                                "content-type",
                                "application/json"),
                        Http.chatBody("to-anthropic", true));
    }

    @Test
    void eachFrameReachesTheClientAsItArrivesNotWithTheNext() throws Exception {
        // frames that arrive together leave in one write; a paced stream's frames must still come one by one
        java.util.List<Long> arrivals = new java.util.ArrayList<>();
        try (SseStream s = openAiStreamToAnthropic()) {
            assertThat(s.status()).isEqualTo(200);
            while (s.next(Duration.ofSeconds(5)).isPresent()) {
                arrivals.add(System.nanoTime());
            }
        }
        assertThat(arrivals).hasSizeGreaterThan(40);
        long spreadMillis = (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1_000_000;
        long gaps = java.util.stream.IntStream.range(1, arrivals.size())
                .filter(i -> arrivals.get(i) - arrivals.get(i - 1) > 10_000_000L)
                .count();
        assertThat(spreadMillis)
                .as("40 deltas 25 ms apart reach the client over the stream's second, not at its end")
                .isGreaterThan(600);
        assertThat(gaps).as("deltas arriving apart, one by one").isGreaterThan(25);
    }

    @Test
    void aClientLeavingATranslatedStreamCancelsTheUpstreamExchange() throws Exception {
        long abortedBefore = FAKE.provider().exchangesAborted();
        try (SseStream s = openAiStreamToAnthropic()) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.next(Duration.ofSeconds(5))).isPresent();
            s.disconnect();
        }

        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(FAKE.provider().exchangesAborted()).isEqualTo(abortedBefore + 1);
            assertThat(FAKE.provider().activeExchanges()).isZero();
            assertThat(SLUICE.sluice().inFlight()).isZero();
        });
    }

    @Test
    void aPooledConnectionTheUpstreamClosedWhileIdleIsNotAFailure() throws Exception {
        for (int i = 0; i < 3; i++) {
            String threeWords = "{\"model\":\"to-anthropic\",\"max_tokens\":3,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"; // answered well within 300 ms
            HttpResponse<String> r = Http.post(SLUICE.baseUri(), "/v1/messages", threeWords, anthropicHeaders());
            assertThat(r.statusCode())
                    .as("request %d after the fake closed its idle connections", i)
                    .isEqualTo(200);
            Thread.sleep(450); // longer than the fake's 300 ms idle timeout: it closes the pooled connection
        }
    }
}
