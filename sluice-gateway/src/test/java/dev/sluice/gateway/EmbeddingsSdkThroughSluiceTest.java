package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.Embedding;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official OpenAI Java SDK, unmodified, calls {@code client.embeddings().create(...)} through Sluice
 * to each provider kind that serves embeddings: the SDK's own default encoding (base64 for this SDK
 * version, decoded by the SDK), explicit float, strings, token arrays, dimensions; the same text gives the
 * same vector through every kind; errors arrive as the SDK's typed exceptions.
 */
@LeakChecked
class EmbeddingsSdkThroughSluiceTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TEXT = "the sdk embeds this sentence";

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(3));

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
            "providers.or.kind",
            "openrouter",
            "providers.or.url",
            "{fake}/v1",
            "providers.or.api-keys",
            "sk-or",
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
            "providers.oll.kind",
            "ollama",
            "providers.oll.url",
            "{fake}",
            "providers.ant.kind",
            "anthropic",
            "providers.ant.url",
            "{fake}",
            "providers.ant.api-keys",
            "sk-ant",
            "routes.text-embedding-3-small.targets",
            "oai:text-embedding-3-small",
            "routes.on-openrouter.targets",
            "or:vendor/embedder",
            "routes.on-azure.targets",
            "az:embed-deployment",
            "routes.on-databricks.targets",
            "db:embed-endpoint",
            "routes.on-ollama.targets",
            "oll:nomic-embed-text",
            "routes.on-anthropic.targets",
            "ant:claude-embedder");

    static final Map<String, String> PATHS = new LinkedHashMap<>();

    static {
        PATHS.put("text-embedding-3-small", "/v1/embeddings");
        PATHS.put("on-openrouter", "/v1/embeddings");
        PATHS.put("on-azure", "/openai/deployments/embed-deployment/embeddings");
        PATHS.put("on-databricks", "/serving-endpoints/embed-endpoint/invocations");
        PATHS.put("on-ollama", "/api/embed");
    }

    private static OpenAIClient client;

    @BeforeAll
    static void client() {
        client = OpenAIOkHttpClient.builder()
                .baseUrl(SLUICE.baseUri() + "/v1")
                .apiKey(SluiceExtension.CLIENT_KEY)
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    static RecordedRequest last() {
        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        return seen.get(seen.size() - 1);
    }

    @Test
    void theSdksDefaultRequestGivesTheSameVectorThroughEveryKind() throws Exception {
        Map<String, List<Float>> vectors = new LinkedHashMap<>();
        for (String model : PATHS.keySet()) {
            int before = FAKE.provider().recentRequests().size();
            CreateEmbeddingResponse r = client.embeddings()
                    .create(EmbeddingCreateParams.builder()
                            .model(model)
                            .input(TEXT)
                            .build());

            assertThat(FAKE.provider().recentRequests()).hasSize(before + 1);
            RecordedRequest up = last();
            assertThat(up.path()).as(model).isEqualTo(PATHS.get(model));
            JsonNode sent = JSON.readTree(up.body());
            JsonNode format = sent.path("encoding_format");
            if (model.equals("on-ollama")) {
                assertThat(sent.has("encoding_format"))
                        .as("Sluice encodes for Ollama itself")
                        .isFalse();
            } else {
                assertThat(format.asText())
                        .as("the SDK's default, passed on: %s", up.body())
                        .isEqualTo("base64");
                assertThat(sent.path("model").asText()).isNotEqualTo(model.startsWith("on-") ? model : "");
            }
            assertThat(r.data()).as(model).hasSize(1);
            Embedding e = r.data().get(0);
            assertThat(e.index()).isZero();
            assertThat(e.embedding()).as(model).hasSize(8);
            assertThat(r.usage().promptTokens()).as(model).isPositive();
            assertThat(r.usage().totalTokens())
                    .as(model)
                    .isGreaterThanOrEqualTo(r.usage().promptTokens());
            vectors.put(model + (format.isMissingNode() ? "" : " (" + format.asText() + ")"), e.embedding());
        }
        List<Float> reference = vectors.values().iterator().next();
        vectors.forEach((model, v) ->
                assertThat(v).as("same text, same vector via %s", model).isEqualTo(reference));
    }

    @Test
    void explicitFloatAndBase64AgreeAndDimensionsAreHonouredThroughEveryKind() {
        for (String model : PATHS.keySet()) {
            List<Float> floats = client.embeddings()
                    .create(EmbeddingCreateParams.builder()
                            .model(model)
                            .input(TEXT + " again")
                            .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                            .build())
                    .data()
                    .get(0)
                    .embedding();
            Embedding base64 = client.embeddings()
                    .create(EmbeddingCreateParams.builder()
                            .model(model)
                            .input(TEXT + " again")
                            .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
                            .build())
                    .data()
                    .get(0);
            assertThat(base64.embeddingValue().isBase64())
                    .as("%s answered base64 when asked", model)
                    .isTrue();
            assertThat(base64.embedding()).as(model).isEqualTo(floats);

            CreateEmbeddingResponse dims = client.embeddings()
                    .create(EmbeddingCreateParams.builder()
                            .model(model)
                            .inputOfArrayOfStrings(List.of("one", "two", "three"))
                            .dimensions(32)
                            .build());
            assertThat(dims.data()).as(model).hasSize(3);
            assertThat(dims.data()).extracting(Embedding::index).containsExactly(0L, 1L, 2L);
            assertThat(dims.data())
                    .allSatisfy(e -> assertThat(e.embedding()).as(model).hasSize(32));
        }
    }

    @Test
    void tokenArraysFromTheSdkPassToOpenAiKindsAndAreABadRequestForOllama() {
        CreateEmbeddingResponse flat = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("on-azure")
                        .inputOfArrayOfTokens(List.of(101L, 2023L, 2003L))
                        .build());
        assertThat(flat.data()).hasSize(1);
        CreateEmbeddingResponse nested = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("on-databricks")
                        .inputOfArrayOfTokenArrays(List.of(List.of(1L, 2L), List.of(3L)))
                        .build());
        assertThat(nested.data()).hasSize(2);

        assertThatThrownBy(() -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("on-ollama")
                                .inputOfArrayOfTokens(List.of(101L, 2023L))
                                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("input");
                });
    }

    @Test
    void errorsAreTheSdksTypedExceptions() {
        assertThatThrownBy(() -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("no-such-embedder")
                                .input(TEXT)
                                .build()))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.getMessage()).contains("no-such-embedder"));
        assertThatThrownBy(() -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("on-anthropic")
                                .input(TEXT)
                                .build()))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.getMessage()).contains("ant/claude-embedder"));
        assertThatThrownBy(() -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("on-azure")
                                .input("")
                                .build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("input"));
        assertThatThrownBy(() -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("on-ollama")
                                .inputOfArrayOfStrings(List.of())
                                .build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("input"));
        assertThatThrownBy(() -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("text-embedding-3-small")
                                .input(TEXT)
                                .dimensions(0)
                                .build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("dimensions"));
    }
}
