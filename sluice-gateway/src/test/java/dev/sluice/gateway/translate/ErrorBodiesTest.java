package dev.sluice.gateway.translate;

import static dev.sluice.gateway.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream error answers re-expressed in the client's dialect, meaning and message text kept. */
class ErrorBodiesTest {

    static List<Arguments> upstreamErrors() {
        return List.of(
                Arguments.of(
                        "OpenAI context length -> Anthropic prompt is too long",
                        Dialect.OPENAI,
                        Dialect.ANTHROPIC,
                        400,
                        "{'error':{'message':'This model maximum context length is 128000 tokens.','type':'invalid_request_error',"
                                + "'param':'messages','code':'context_length_exceeded'}}",
                        "{'type':'error','error':{'type':'invalid_request_error',"
                                + "'message':'prompt is too long: This model maximum context length is 128000 tokens.'}}"),
                Arguments.of(
                        "Anthropic prompt is too long -> OpenAI context_length_exceeded",
                        Dialect.ANTHROPIC,
                        Dialect.OPENAI,
                        400,
                        "{'type':'error','error':{'type':'invalid_request_error','message':'prompt is too long: 250000 tokens > 200000 maximum'}}",
                        "{'error':{'message':'prompt is too long: 250000 tokens > 200000 maximum','type':'invalid_request_error',"
                                + "'code':'context_length_exceeded'}}"),
                Arguments.of(
                        "Azure content filter keeps its message",
                        Dialect.OPENAI,
                        Dialect.ANTHROPIC,
                        400,
                        "{'error':{'message':'The response was filtered due to the prompt triggering content management policy.',"
                                + "'type':null,'param':'prompt','code':'content_filter'}}",
                        "{'type':'error','error':{'type':'invalid_request_error',"
                                + "'message':'The response was filtered due to the prompt triggering content management policy.'}}"),
                Arguments.of(
                        "Anthropic overloaded -> OpenAI server_error",
                        Dialect.ANTHROPIC,
                        Dialect.OPENAI,
                        529,
                        "{'type':'error','error':{'type':'overloaded_error','message':'Overloaded'}}",
                        "{'error':{'message':'Overloaded','type':'server_error','code':'overloaded'}}"),
                Arguments.of(
                        "OpenAI rate limit -> Anthropic rate_limit_error",
                        Dialect.OPENAI,
                        Dialect.ANTHROPIC,
                        429,
                        "{'error':{'message':'Rate limit reached','type':'requests','param':null,'code':'rate_limit_exceeded'}}",
                        "{'type':'error','error':{'type':'rate_limit_error','message':'Rate limit reached'}}"),
                Arguments.of(
                        "Ollama model not found -> Anthropic not_found_error",
                        Dialect.OLLAMA,
                        Dialect.ANTHROPIC,
                        404,
                        "{'error':'model \"llama9\" not found, try pulling it first'}",
                        "{'type':'error','error':{'type':'not_found_error','message':'model \"llama9\" not found, try pulling it first'}}"),
                Arguments.of(
                        "Ollama context length -> OpenAI context_length_exceeded",
                        Dialect.OLLAMA,
                        Dialect.OPENAI,
                        400,
                        "{'error':'input exceeds the context length'}",
                        "{'error':{'message':'prompt is too long: input exceeds the context length','type':'invalid_request_error',"
                                + "'code':'context_length_exceeded'}}"),
                Arguments.of(
                        "vLLM error object -> Anthropic",
                        Dialect.OPENAI,
                        Dialect.ANTHROPIC,
                        400,
                        "{'object':'error','message':'temperature must be positive','type':'BadRequestError','param':null,'code':400}",
                        "{'type':'error','error':{'type':'invalid_request_error','message':'temperature must be positive'}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstreamErrors")
    void upstreamErrorInTheClientsDialect(
            String name, Dialect upstream, Dialect client, int status, String body, String expected) {
        byte[] out = ErrorBodies.fromUpstream(
                upstream, client, status, json(body).toString().getBytes(StandardCharsets.UTF_8));
        assertThat(json(new String(out, StandardCharsets.UTF_8))).isEqualTo(json(expected));
    }

    @Test
    void sameDialectValidErrorIsReturnedUnchanged() {
        byte[] body =
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_1\"}"
                        .getBytes(StandardCharsets.UTF_8);
        assertThat(ErrorBodies.fromUpstream(Dialect.ANTHROPIC, Dialect.ANTHROPIC, 529, body))
                .isSameAs(body);
        byte[] openAi = "{\"error\":{\"message\":\"x\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(ErrorBodies.fromUpstream(Dialect.OPENAI, Dialect.OPENAI, 500, openAi))
                .isSameAs(openAi);
    }

    @Test
    void nonJsonBodyIsWrappedWithAtMost512CharactersOfIt() {
        String html = "<html>" + "x".repeat(2000) + "</html>";
        String out = new String(
                ErrorBodies.fromUpstream(Dialect.OPENAI, Dialect.ANTHROPIC, 502, html.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
        var node = json(out);
        assertThat(node.path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(node.path("error").path("message").asText())
                .isEqualTo("upstream returned HTTP 502: " + html.substring(0, 512));
        String sameDialect = new String(
                ErrorBodies.fromUpstream(
                        Dialect.ANTHROPIC,
                        Dialect.ANTHROPIC,
                        503,
                        "Service Unavailable".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
        assertThat(json(sameDialect))
                .isEqualTo(json("{'type':'error','error':{'type':'overloaded_error',"
                        + "'message':'upstream returned HTTP 503: Service Unavailable'}}"));
    }

    @Test
    void bodiesByStatusAndByType() {
        assertThat(json(new String(ErrorBodies.body(Dialect.ANTHROPIC, 429, "slow down"), StandardCharsets.UTF_8)))
                .isEqualTo(json("{'type':'error','error':{'type':'rate_limit_error','message':'slow down'}}"));
        assertThat(json(new String(ErrorBodies.body(Dialect.OPENAI, 401, "bad key"), StandardCharsets.UTF_8)))
                .isEqualTo(
                        json("{'error':{'message':'bad key','type':'authentication_error','code':'invalid_api_key'}}"));
        assertThat(json(new String(
                        ErrorBodies.body(Dialect.OPENAI, "timeout_error", "too slow"), StandardCharsets.UTF_8)))
                .isEqualTo(json("{'error':{'message':'too slow','type':'server_error','code':'timeout'}}"));
        assertThat(json(new String(ErrorBodies.body(Dialect.OPENAI, 400, "bad"), StandardCharsets.UTF_8)))
                .isEqualTo(json("{'error':{'message':'bad','type':'invalid_request_error','code':null}}"));
    }
}
