package dev.sluice.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.translate.shared.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Embeddings to OpenAI-compatible upstreams as sent, to Ollama's /api/embed and back as OpenAI's list. */
class EmbeddingsTranslationTest {

    private static JsonNode json(String singleQuoted) throws Exception {
        return Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
    }

    @Test
    void anOpenAiUpstreamGetsTheBodyAsSentWithOnlyTheModelReplaced() throws Exception {
        byte[] body = "{\"model\":\"e\",\"input\":[1,2,3],\"user\":\"u\"}".getBytes(StandardCharsets.UTF_8);
        JsonNode request = Json.MAPPER.readTree(body);
        assertThat(Embeddings.request(Dialect.OPENAI, body, request, "e")).isSameAs(body);
        JsonNode renamed = Json.MAPPER.readTree(Embeddings.request(Dialect.OPENAI, body, request, "text-embedding-3"));
        assertThat(renamed.path("model").asText()).isEqualTo("text-embedding-3");
        assertThat(renamed.path("user").asText()).isEqualTo("u");
    }

    @Test
    void ollamaGetsModelInputAndDimensionsAndRefusesTokenIds() throws Exception {
        JsonNode out = Json.MAPPER.readTree(Embeddings.request(
                Dialect.OLLAMA,
                new byte[0],
                json("{'model':'e','input':['a','b'],'dimensions':4,'encoding_format':'base64'}"),
                "nomic"));
        assertThat(out).isEqualTo(json("{'model':'nomic','input':['a','b'],'dimensions':4}"));
        assertThatThrownBy(() ->
                        Embeddings.request(Dialect.OLLAMA, new byte[0], json("{'model':'e','input':[[1,2]]}"), "nomic"))
                .isInstanceOf(TranslationException.class)
                .hasMessageContaining("input: token arrays");
    }

    @Test
    void ollamasAnswerBecomesOpenAisListAsFloatsOrBase64() throws Exception {
        JsonNode ollama = json("{'model':'nomic','embeddings':[[0.5,-1.0],[0.25,2.0]],'prompt_eval_count':7}");
        Embeddings.check(Dialect.OLLAMA, ollama);
        JsonNode floats = Json.MAPPER.readTree(
                Embeddings.answer(Dialect.OLLAMA, new byte[0], ollama, json("{'input':['a','b']}"), "t"));
        assertThat(floats.path("object").asText()).isEqualTo("list");
        assertThat(floats.path("data").get(1).path("index").asInt()).isEqualTo(1);
        assertThat(floats.path("data").get(1).path("embedding")).isEqualTo(json("[0.25,2.0]"));
        assertThat(floats.path("usage").path("prompt_tokens").asInt()).isEqualTo(7);
        assertThat(floats.path("model").asText()).isEqualTo("nomic");

        JsonNode packed = Json.MAPPER.readTree(Embeddings.answer(
                Dialect.OLLAMA, new byte[0], ollama, json("{'input':['a','b'],'encoding_format':'base64'}"), "t"));
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder()
                        .decode(packed.path("data").get(0).path("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.getFloat()).isEqualTo(0.5f);
        assertThat(bytes.getFloat()).isEqualTo(-1.0f);
        assertThat(bytes.hasRemaining()).isFalse();
    }

    @Test
    void anAnswerOfTheWrongShapeIsNamed() throws Exception {
        assertThatThrownBy(() -> Embeddings.check(Dialect.OPENAI, json("{'choices':[]}")))
                .hasMessageContaining("a data array missing");
        assertThatThrownBy(() -> Embeddings.check(Dialect.OLLAMA, json("{'data':[]}")))
                .hasMessageContaining("an embeddings array missing");
    }
}
