package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CompatibleRoutesTest {
    static final String AZURE = "/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21";
    static final String DATABRICKS = "/serving-endpoints/my-endpoint/invocations";
    static final String NO_MODEL = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    static final Duration PROMPTLY = Duration.ofSeconds(5);

    FakeProvider provider;
    Http http;

    @BeforeEach
    void start() {
        provider = FakeProvider.builder().deltas(5).start();
        http = new Http(provider);
    }

    @AfterEach
    void stop() {
        http.close();
        provider.close();
    }

    @Test
    void azureDeploymentAnswersInOpenAiChatWithTheDeploymentAsModel() {
        HttpResponse<String> response = http.post(AZURE, NO_MODEL, "api-key", "k");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode completion = Http.json(response.body());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("model").asText()).isEqualTo("my-gpt");
        assertThat(completion.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
        RecordedRequest seen = provider.recentRequests().get(0);
        assertThat(seen.path()).isEqualTo("/openai/deployments/my-gpt/chat/completions");
        assertThat(seen.query()).isEqualTo("api-version=2024-10-21");
        assertThat(seen.header("api-key")).hasValue("k");
    }

    @Test
    void azureKeepsTheBodysModelAndStreams() {
        String body = Http.HELLO_OPENAI.replace("}]}", "}],\"stream\":true}");
        String stream = http.post(AZURE, body, "api-key", "k").body();

        assertThat(stream).endsWith("data: [DONE]\n\n");
        assertThat(Http.json(Http.sse(stream).get(0).getValue()).path("model").asText())
                .isEqualTo("gpt-fake");
    }

    @Test
    void azureWithoutApiKeyIs401AndWithoutApiVersionIs404InOpenAiErrorJson() {
        HttpResponse<String> noKey = http.post(AZURE, NO_MODEL);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(Http.json(noKey.body()).path("error").path("code").asText()).isEqualTo("401");
        assertThat(Http.json(noKey.body()).path("error").path("message").asText())
                .contains("Access denied");

        HttpResponse<String> noVersion = http.post(AZURE.substring(0, AZURE.indexOf('?')), NO_MODEL, "api-key", "k");
        assertThat(noVersion.statusCode()).isEqualTo(404);
        JsonNode error = Http.json(noVersion.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("404");
        assertThat(error.path("message").asText()).isEqualTo("Resource not found");
        assertThat(error.path("type").asText()).isNotBlank();

        assertThat(http.post(AZURE.replace("2024-10-21", ""), NO_MODEL, "api-key", "k")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void aDeploymentNamedForAFaultActsItOut() {
        String path = AZURE.replace("my-gpt", "fault-server-error");
        HttpResponse<String> response = http.post(path, Http.HELLO_OPENAI, "api-key", "k");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(Http.json(response.body()).path("error").path("code").asText())
                .isEqualTo("server_error");

        HttpResponse<String> limited =
                http.post(DATABRICKS.replace("my-endpoint", "fault-rate-limit"), NO_MODEL, "authorization", "Bearer t");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
    }

    @Test
    void databricksNeedsABearerTokenAndAnswersWithTheEndpointAsModel() {
        HttpResponse<String> ok = http.post(DATABRICKS, NO_MODEL, "authorization", "Bearer dapi123");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Http.json(ok.body()).path("model").asText()).isEqualTo("my-endpoint");

        for (String[] headers : List.of(
                new String[0], new String[] {"authorization", "Basic eDp5"}, new String[] {"authorization", "Bearer "
                })) {
            HttpResponse<String> refused = http.post(DATABRICKS, NO_MODEL, headers);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(Http.json(refused.body()).path("error").path("message").asText())
                    .contains("Credential");
        }
    }

    @Test
    void openAiBasePathWithoutV1AnswersLikeV1() {
        assertThat(http.post("/chat/completions", Http.HELLO_OPENAI).body())
                .isEqualTo(http.post("/v1/chat/completions", Http.HELLO_OPENAI).body());
    }

    @Test
    void healthAndOllamaModelList() {
        HttpResponse<String> health = http.get("/");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok");

        JsonNode tags = Http.json(http.get("/api/tags").body());
        assertThat(tags.path("models").get(0).path("name").asText()).isEqualTo("fake-model:latest");
        assertThat(tags.path("models").get(0).path("details").path("family").asText())
                .isEqualTo("fake");
    }

    @Test
    void unknownDeploymentShapesAndMethodsAre404() {
        assertThat(http.post("/openai/deployments/chat/completions?api-version=1", NO_MODEL, "api-key", "k")
                        .statusCode())
                .isEqualTo(404);
        assertThat(http.post("/openai/deployments/a/b/chat/completions?api-version=1", NO_MODEL, "api-key", "k")
                        .statusCode())
                .isEqualTo(404);
        assertThat(http.get(DATABRICKS, "authorization", "Bearer t").statusCode())
                .isEqualTo(404);
    }

    @Test
    void newRoutesKeepTheExchangeCountersRight() {
        http.post(AZURE, NO_MODEL, "api-key", "k");
        http.post(AZURE, NO_MODEL);
        http.post(DATABRICKS, NO_MODEL, "authorization", "Bearer t");
        http.post(DATABRICKS, NO_MODEL);
        http.post("/chat/completions", Http.HELLO_OPENAI);
        http.get("/api/tags");
        http.get("/");
        assertThat(provider.exchangesStarted()).isEqualTo(7);
        assertThat(provider.exchangesCompleted()).isEqualTo(7);
        assertThat(provider.activeExchanges()).isZero();

        try (RawHttp raw = new RawHttp(provider)) {
            raw.post(AZURE.replace("my-gpt", "fault-no-answer"), NO_MODEL, "api-key", "k");
            await().atMost(PROMPTLY).until(() -> provider.activeExchanges() == 1);
            assertThat(provider.openConnections()).isGreaterThanOrEqualTo(1);
        }
        await().atMost(PROMPTLY).until(() -> provider.activeExchanges() == 0);
        assertThat(provider.exchangesAborted()).isEqualTo(1);
        assertThat(provider.exchangesCompleted()).isEqualTo(7);
        assertThat(provider.leaks()).isEmpty();
    }
}
