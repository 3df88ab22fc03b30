package dev.sluice.gateway;

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
 * /v1/chat/completions validates a request the same way whichever dialect its upstream speaks: the
 * same bad body gets the same 400 with the same message, in OpenAI's error shape, and never reaches
 * either upstream. Bodies with data after the JSON value are refused on both client routes.
 */
@LeakChecked
class OpenAiValidationParityTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(2));

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
            "ant:fake-claude");

    private static String chat(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "max_tokens a string | ,\"max_tokens\":\"str\" | max_tokens: must be a positive integer",
                "max_tokens an array | ,\"max_tokens\":[1,2] | max_tokens: must be a positive integer",
                "max_tokens an object | ,\"max_tokens\":{} | max_tokens: must be a positive integer",
                "max_tokens a boolean | ,\"max_tokens\":true | max_tokens: must be a positive integer",
                "max_tokens a fraction | ,\"max_tokens\":1.5 | max_tokens: must be a positive integer",
                "max_tokens a numeric string | ,\"max_tokens\":\"1e400\" | max_tokens: must be a positive integer",
                "max_tokens zero | ,\"max_tokens\":0 | max_tokens: must be a positive integer",
                "max_tokens negative | ,\"max_tokens\":-3 | max_tokens: must be a positive integer",
                "max_completion_tokens a string | ,\"max_completion_tokens\":\"str\" | max_completion_tokens: must be a positive integer",
                "max_completion_tokens a fraction | ,\"max_completion_tokens\":2.5 | max_completion_tokens: must be a positive integer",
                "temperature a string | ,\"temperature\":\"hot\" | temperature: must be a number",
                "top_p an array | ,\"top_p\":[0.5] | top_p: must be a number",
                "stream_options a string | ,\"stream_options\":\"yes\" | stream_options: must be an object",
                "tools an object | ,\"tools\":{} | tools: must be an array",
                "trailing garbage | } garbage | request body has data after the JSON value",
                "a second object | }{\"a\":1 | request body has data after the JSON value",
            })
    void theSameBadRequestGetsTheSame400WhicheverDialectTheUpstreamSpeaks(String name, String extra, String message)
            throws Exception {
        long before = FAKE.provider().exchangesStarted();
        List<String> messages = new java.util.ArrayList<>();
        for (String model : List.of("to-openai", "to-anthropic")) {
            String body = extra.startsWith("}") ? chat(model, "") + extra.substring(1) : chat(model, extra);
            HttpResponse<String> r = Http.post(SLUICE.baseUri(), "/v1/chat/completions", body, openAiHeaders());
            assertThat(r.statusCode()).as("%s: %s", model, r.body()).isEqualTo(400);
            JsonNode e = JSON.readTree(r.body());
            assertThat(e.has("type")).as("OpenAI error shape: %s", r.body()).isFalse();
            assertThat(e.path("error").path("type").asText()).isEqualTo("invalid_request_error");
            messages.add(e.path("error").path("message").asText());
        }
        assertThat(messages.get(0)).isEqualTo(message);
        assertThat(messages.get(1)).isEqualTo(message);
        assertThat(FAKE.provider().exchangesStarted()).isEqualTo(before);
    }

    @Test
    void aNullTokenLimitIsUnsetAndTranslatedToAnthropicAsTheDefault() throws Exception {
        for (String model : List.of("to-openai", "to-anthropic")) {
            HttpResponse<String> r = Http.post(
                    SLUICE.baseUri(),
                    "/v1/chat/completions",
                    chat(model, ",\"max_tokens\":null,\"max_completion_tokens\":null"),
                    openAiHeaders());
            assertThat(r.statusCode()).as("%s: %s", model, r.body()).isEqualTo(200);
        }
        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        JsonNode toAnthropic = JSON.readTree(seen.get(seen.size() - 1).body());
        assertThat(toAnthropic.path("max_tokens").asLong()).isEqualTo(4096);
    }

    @Test
    void theAnthropicRouteRefusesDataAfterTheJsonValueAndANonPositiveTokenLimit() throws Exception {
        String ok = Http.messageBody("to-anthropic", false);
        HttpResponse<String> trailing =
                Http.post(SLUICE.baseUri(), "/v1/messages", ok + " garbage", Http.anthropicHeaders());
        HttpResponse<String> zero = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                ok.replaceFirst("\"max_tokens\":\\s*\\d+", "\"max_tokens\":0"),
                Http.anthropicHeaders());
        assertThat(trailing.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(trailing.body()).path("error").path("message").asText())
                .isEqualTo("request body has data after the JSON value");
        assertThat(zero.statusCode()).as(zero.body()).isEqualTo(400);
        assertThat(JSON.readTree(zero.body()).path("error").path("message").asText())
                .isEqualTo("max_tokens: must be a positive integer");
    }

    @Test
    void tooDeepAndMalformedBodiesGetPlainMessagesWithTheLimitOrPosition() throws Exception {
        HttpResponse<String> deep = Http.post(
                SLUICE.baseUri(),
                "/v1/chat/completions",
                chat("to-anthropic", ",\"metadata\":" + "[".repeat(300) + "]".repeat(300)),
                openAiHeaders());
        HttpResponse<String> bad = Http.post(
                SLUICE.baseUri(),
                "/v1/chat/completions",
                "{\"model\": \"to-anthropic\", \"messages\": ?}",
                openAiHeaders());
        String deepMessage =
                JSON.readTree(deep.body()).path("error").path("message").asText();
        String badMessage =
                JSON.readTree(bad.body()).path("error").path("message").asText();
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(deepMessage).contains("nested deeper than 256 levels");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(badMessage).contains("line 1, column 39").contains("unexpected character '?'");
        for (String m : List.of(deepMessage, badMessage)) {
            assertThat(m)
                    .doesNotContainIgnoringCase("jackson")
                    .doesNotContain("Feature", "Constraints", "com.fasterxml", "(code ");
        }
    }
}
