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
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenAI ingress on its own terms: errors in OpenAI error JSON, request ids, the model list in
 * both dialects, an OpenAI upstream reached byte for byte, and Azure, Databricks and OpenRouter
 * providers addressed and authenticated as each expects.
 */
@LeakChecked
class OpenAiIngressTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(5));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "providers.az.kind",
            "azure-openai",
            "providers.az.url",
            "{fake}",
            "providers.az.api-keys",
            "az-key",
            "providers.az.api-version",
            "2024-10-21",
            "providers.db.kind",
            "databricks",
            "providers.db.url",
            "{fake}",
            "providers.db.api-keys",
            "dapi-token",
            "providers.or.kind",
            "openrouter",
            "providers.or.url",
            "{fake}/v1",
            "providers.or.api-keys",
            "sk-or",
            "routes.gpt.targets",
            "oai:fake-gpt",
            "routes.on-azure.targets",
            "az:my-deployment",
            "routes.on-databricks.targets",
            "db:my-endpoint",
            "routes.on-openrouter.targets",
            "or:vendor/model-x");

    @Test
    void anOpenAiClientToAnOpenAiUpstreamIsRelayedByteForByteExceptTheModel() throws Exception {
        String body = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"logprobs\":true,\"seed\":7,\"x_vendor_field\":{\"a\":1}}";
        HttpResponse<String> r = Http.post(SLUICE.baseUri(), "/v1/chat/completions", body, openAiHeaders());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("object").asText()).isEqualTo("chat.completion");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        RecordedRequest seen = last();
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        JsonNode sent = JSON.readTree(seen.body());
        assertThat(sent.path("model").asText()).isEqualTo("fake-gpt");
        assertThat(sent.path("seed").asInt()).isEqualTo(7);
        assertThat(sent.path("x_vendor_field").path("a").asInt()).isEqualTo(1);
        assertThat(sent.has("temperature")).isFalse();
        assertThat(seen.headers().get("authorization")).containsExactly("Bearer sk-oai");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "on-azure, /openai/deployments/my-deployment/chat/completions, api-key, az-key",
        "on-databricks, /serving-endpoints/my-endpoint/invocations, authorization, Bearer dapi-token",
        "on-openrouter, /v1/chat/completions, authorization, Bearer sk-or",
    })
    void eachOpenAiCompatibleKindIsAddressedAndAuthenticatedItsOwnWay(
            String model, String path, String header, String value) throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> r =
                    Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody(model, stream), anthropicHeaders());

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains(stream ? "event: message_stop" : "\"stop_reason\":\"end_turn\"");
            RecordedRequest seen = last();
            assertThat(seen.path()).isEqualTo(path);
            assertThat(seen.headers().get(header)).containsExactly(value);
            if (model.equals("on-azure")) {
                assertThat(seen.query()).isEqualTo("api-version=2024-10-21");
            }
        }
    }

    @Test
    void errorsAreOpenAiErrorJsonWithTheirStatus() throws Exception {
        HttpResponse<String> noKey = Http.post(
                SLUICE.baseUri(),
                "/v1/chat/completions",
                Http.chatBody("gpt", false),
                "content-type",
                "application/json");
        HttpResponse<String> badJson =
                Http.post(SLUICE.baseUri(), "/v1/chat/completions", "{\"model\":", openAiHeaders());
        HttpResponse<String> noMessages =
                Http.post(SLUICE.baseUri(), "/v1/chat/completions", "{\"model\":\"gpt\"}", openAiHeaders());
        HttpResponse<String> unknownModel = Http.post(
                SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("no-such-model", false), openAiHeaders());

        assertThat(List.of(
                        noKey.statusCode(), badJson.statusCode(), noMessages.statusCode(), unknownModel.statusCode()))
                .containsExactly(401, 400, 400, 404);
        for (HttpResponse<String> r : List.of(noKey, badJson, noMessages, unknownModel)) {
            JsonNode e = JSON.readTree(r.body());
            assertThat(e.has("type")).as(r.body()).isFalse();
            assertThat(e.path("error").path("message").asText()).isNotBlank();
            assertThat(e.path("error").path("type").asText()).isNotBlank();
            assertThat(r.headers().firstValue("x-request-id")).isPresent();
        }
        assertThat(JSON.readTree(noMessages.body())
                        .path("error")
                        .path("message")
                        .asText())
                .contains("messages");
        assertThat(JSON.readTree(unknownModel.body())
                        .path("error")
                        .path("message")
                        .asText())
                .contains("no-such-model");
    }

    @Test
    void theModelListAnswersInTheCallersDialect() throws Exception {
        JsonNode openAi = JSON.readTree(
                Http.get(SLUICE.baseUri(), "/v1/models", openAiHeaders()).body());
        JsonNode anthropic = JSON.readTree(
                Http.get(SLUICE.baseUri(), "/v1/models", anthropicHeaders()).body());

        assertThat(openAi.path("object").asText()).isEqualTo("list");
        assertThat(openAi.path("data").findValuesAsText("id")).contains("gpt", "on-azure", "on-databricks");
        assertThat(anthropic.path("data").get(0).path("type").asText()).isEqualTo("model");
        assertThat(anthropic.path("data").findValuesAsText("id")).contains("gpt", "on-azure");
        assertThat(anthropic.path("has_more").asBoolean(true)).isFalse();
    }

    @Test
    void countTokensForANonAnthropicTargetIsAMarkedEstimate() throws Exception {
        String body = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"The quick brown fox jumps over the lazy dog, twice over.\"}]}";
        HttpResponse<String> r = Http.post(SLUICE.baseUri(), "/v1/messages/count_tokens", body, anthropicHeaders());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-sluice-token-count")).contains("estimate");
        assertThat(JSON.readTree(r.body()).path("input_tokens").asInt()).isBetween(8, 30);
    }

    private static RecordedRequest last() {
        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        return seen.get(seen.size() - 1);
    }
}
