package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Deterministic embeddings: OpenAI (and Azure, Databricks) and Ollama forms, errors and faults. */
class EmbeddingsTest {
    static FakeProvider provider;
    static Http http;

    @BeforeAll
    static void start() {
        provider = FakeProvider.builder().start();
        http = new Http(provider);
    }

    @AfterAll
    static void stop() {
        http.close();
        provider.close();
    }

    @Test
    void openAiAnswersAUnitVectorPerInputWithUsage() {
        HttpResponse<String> response = http.post(
                "/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"hello world\",\"the river runs\"]}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode root = Http.json(response.body());
        assertThat(root.path("object").asText()).isEqualTo("list");
        assertThat(root.path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(root.path("data")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode item = root.path("data").get(i);
            assertThat(item.path("object").asText()).isEqualTo("embedding");
            assertThat(item.path("index").asInt()).isEqualTo(i);
            assertThat(floats(item.path("embedding"))).hasSize(Embeddings.DEFAULT_DIMENSIONS);
            assertThat(length(floats(item.path("embedding")))).isCloseTo(1.0, within(1e-5));
        }
        assertThat(root.path("data").get(0).path("embedding"))
                .isNotEqualTo(root.path("data").get(1).path("embedding"));
        // "hello world" + "the river runs" = 25 characters / 4
        assertThat(root.path("usage").path("prompt_tokens").asInt()).isEqualTo(6);
        assertThat(root.path("usage").path("total_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void theSameTextGivesTheSameVectorInEveryFormAndApi() {
        List<Float> single = floats(Http.json(http.post("/embeddings", "{\"model\":\"m\",\"input\":\"same text\"}")
                        .body())
                .path("data")
                .get(0)
                .path("embedding"));
        JsonNode inArray = Http.json(
                        http.post("/v1/embeddings", "{\"model\":\"m\",\"input\":[\"other\",\"same text\"]}")
                                .body())
                .path("data")
                .get(1)
                .path("embedding");
        JsonNode base64 = Http.json(http.post(
                                "/v1/embeddings",
                                "{\"model\":\"m\",\"input\":\"same text\",\"encoding_format\":\"base64\"}")
                        .body())
                .path("data")
                .get(0)
                .path("embedding");
        JsonNode ollama = Http.json(http.post("/api/embed", "{\"model\":\"nomic\",\"input\":\"same text\"}")
                        .body())
                .path("embeddings")
                .get(0);
        JsonNode azure = Http.json(http.post(
                        "/openai/deployments/emb/embeddings?api-version=2024-10-21",
                        "{\"input\":\"same text\"}",
                        "api-key",
                        "k")
                .body());
        JsonNode databricks = Http.json(http.post(
                        "/serving-endpoints/emb/invocations",
                        "{\"input\":[\"same text\"]}",
                        "authorization",
                        "Bearer t")
                .body());

        assertThat(floats(inArray)).isEqualTo(single);
        assertThat(decode(base64.asText())).isEqualTo(single);
        assertThat(floats(ollama)).isEqualTo(single);
        assertThat(floats(azure.path("data").get(0).path("embedding"))).isEqualTo(single);
        assertThat(azure.path("model").asText()).isEqualTo("emb");
        assertThat(floats(databricks.path("data").get(0).path("embedding"))).isEqualTo(single);
    }

    @Test
    void dimensionsAndTokenInputs() {
        JsonNode wide = Http.json(http.post("/v1/embeddings", "{\"model\":\"m\",\"input\":\"x\",\"dimensions\":3}")
                .body());
        assertThat(floats(wide.path("data").get(0).path("embedding"))).hasSize(3);
        assertThat(length(floats(wide.path("data").get(0).path("embedding")))).isCloseTo(1.0, within(1e-5));

        JsonNode tokens = Http.json(http.post("/v1/embeddings", "{\"model\":\"m\",\"input\":[1,2,3]}")
                .body());
        assertThat(tokens.path("data")).hasSize(1);
        assertThat(tokens.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
        JsonNode arrays = Http.json(http.post("/v1/embeddings", "{\"model\":\"m\",\"input\":[[1,2,3],[4]]}")
                .body());
        assertThat(arrays.path("data")).hasSize(2);
        assertThat(arrays.path("data").get(0).path("embedding"))
                .isEqualTo(tokens.path("data").get(0).path("embedding"));
        assertThat(arrays.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void ollamaAnswersEmbeddingsAndCounts() {
        JsonNode root = Http.json(
                http.post("/api/embed", "{\"model\":\"nomic\",\"input\":[\"abcdefgh\",\"ijkl\"],\"dimensions\":4}")
                        .body());
        assertThat(root.path("model").asText()).isEqualTo("nomic");
        assertThat(root.path("embeddings")).hasSize(2);
        assertThat(root.path("embeddings").get(0)).hasSize(4);
        assertThat(root.path("prompt_eval_count").asInt()).isEqualTo(3);
        assertThat(root.has("total_duration")).isTrue();
        assertThat(root.has("load_duration")).isTrue();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"model\":\"m\"}| input",
                "{\"input\":\"x\"}| model",
                "{\"model\":\"m\",\"input\":[]}| input",
                "{\"model\":\"m\",\"input\":\"\"}| input",
                "{\"model\":\"m\",\"input\":[\"a\",1]}| input",
                "{\"model\":\"m\",\"input\":[[1],\"a\"]}| input",
                "{\"model\":\"m\",\"input\":{\"a\":1}}| input",
                "{\"model\":\"m\",\"input\":\"x\",\"dimensions\":0}| dimensions",
                "{\"model\":\"m\",\"input\":\"x\",\"dimensions\":\"8\"}| dimensions",
                "{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":\"int8\"}| encoding_format",
            })
    void openAiBadInputIs400NamingTheField(String body, String field) {
        HttpResponse<String> response = http.post("/v1/embeddings", body);
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Http.json(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).startsWith(field);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"model\":\"m\"}",
                "{\"model\":\"m\",\"input\":[]}",
                "{\"model\":\"m\",\"input\":[1]}",
                "{\"model\":\"m\",\"input\":\"x\",\"dimensions\":-1}"
            })
    void ollamaBadInputIs400WithAnErrorString(String body) {
        HttpResponse<String> response = http.post("/api/embed", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response.body()).path("error").asText()).matches("(input|dimensions):.*");
    }

    @Test
    void faultsApplyAsToWholeAnswers() {
        String body = "{\"model\":\"m\",\"input\":\"x\"}";
        HttpResponse<String> limited = http.post("/v1/embeddings", body, "x-fake-fault", "rate-limit");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
        assertThat(Http.json(limited.body()).path("error").path("code").asText())
                .isEqualTo("rate_limit_exceeded");

        HttpResponse<String> byModel = http.post("/v1/embeddings", body.replace("\"m\"", "\"fault-server-error\""));
        assertThat(byModel.statusCode()).isEqualTo(500);
        HttpResponse<String> ollama = http.post("/api/embed", body, "x-fake-fault", "unavailable");
        assertThat(ollama.statusCode()).isEqualTo(503);
        assertThat(Http.json(ollama.body()).path("error").isTextual()).isTrue();

        HttpResponse<String> malformed = http.post("/v1/embeddings", body, "x-fake-fault", "malformed");
        assertThat(malformed.statusCode()).isEqualTo(200);
        assertThat(malformed.body()).startsWith("{\"object\": \"list\"").doesNotEndWith("}");

        long started = System.nanoTime();
        assertThat(http.post("/v1/embeddings", body, "x-fake-latency", "300ms").statusCode())
                .isEqualTo(200);
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(300_000_000L);

        HttpResponse<String> unknown = http.post("/v1/embeddings", body, "x-fake-fault", "nonsense");
        assertThat(unknown.statusCode()).isEqualTo(400);
    }

    @Test
    void databricksChatStaysChatAndAzureEmbeddingsNeedTheirCredentials() {
        JsonNode chat = Http.json(http.post(
                        "/serving-endpoints/e/invocations",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"input\":\"x\"}",
                        "authorization",
                        "Bearer t")
                .body());
        assertThat(chat.path("object").asText()).isEqualTo("chat.completion");
        assertThat(http.post("/openai/deployments/emb/embeddings?api-version=1", "{\"input\":\"x\"}")
                        .statusCode())
                .isEqualTo(401);
        assertThat(http.post("/openai/deployments/emb/embeddings", "{\"input\":\"x\"}", "api-key", "k")
                        .statusCode())
                .isEqualTo(404);
    }

    private static List<Float> floats(JsonNode array) {
        List<Float> values = new ArrayList<>();
        array.forEach(v -> values.add(v.floatValue()));
        return values;
    }

    private static List<Float> decode(String base64) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        List<Float> values = new ArrayList<>();
        while (bytes.hasRemaining()) values.add(bytes.getFloat());
        return values;
    }

    private static double length(List<Float> vector) {
        return Math.sqrt(vector.stream().mapToDouble(v -> v * v).sum());
    }
}
