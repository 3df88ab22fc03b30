package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultsTest {
    static FakeProvider provider;
    static Http http;

    @BeforeAll
    static void start() {
        provider = FakeProvider.builder().deltas(8).start();
        http = new Http(provider);
    }

    @AfterAll
    static void stop() {
        http.close();
        provider.close();
    }

    @ParameterizedTest
    @CsvSource({
        "rate-limit, 429, rate_limit_error, 1",
        "rate-limit-no-retry-after, 429, rate_limit_error, ",
        "server-error, 500, api_error, ",
        "unavailable, 503, api_error, 2",
        "overloaded, 529, overloaded_error, ",
        "context-length, 400, invalid_request_error, ",
    })
    void statusFaultsAnswerInTheAnthropicDialect(String fault, int status, String type, String retryAfter) {
        HttpResponse<String> byHeader = http.post("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", fault);
        HttpResponse<String> byModel =
                http.post("/v1/messages", Http.HELLO_ANTHROPIC.replace("claude-fake", "fault-" + fault));

        for (HttpResponse<String> response : List.of(byHeader, byModel)) {
            assertThat(response.statusCode()).isEqualTo(status);
            assertThat(response.headers().firstValue("retry-after")).isEqualTo(Optional.ofNullable(retryAfter));
            JsonNode error = Http.json(response.body());
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo(type);
        }
    }

    @Test
    void contextLengthSaysThePromptIsTooLong() {
        String anthropic = http.post("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", "context-length")
                .body();
        assertThat(Http.json(anthropic).path("error").path("message").asText())
                .isEqualTo("prompt is too long: 250000 tokens > 200000 maximum");
        JsonNode openAi =
                Http.json(http.post("/v1/chat/completions", Http.HELLO_OPENAI, "x-fake-fault", "context-length")
                        .body());
        assertThat(openAi.path("error").path("code").asText()).isEqualTo("context_length_exceeded");
    }

    @ParameterizedTest
    @CsvSource({
        "rate-limit, 429, rate_limit_exceeded",
        "server-error, 500, server_error",
        "unavailable, 503, service_unavailable",
        "overloaded, 529, overloaded"
    })
    void statusFaultsAnswerInTheOpenAiDialect(String fault, int status, String code) {
        HttpResponse<String> response = http.post("/v1/chat/completions", Http.HELLO_OPENAI, "x-fake-fault", fault);

        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = Http.json(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("type").asText()).isNotBlank();
    }

    @Test
    void ollamaErrorsAreAnErrorString() {
        HttpResponse<String> response = http.post("/api/chat", "{\"model\":\"fault-server-error\"}");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(Http.json(response.body()).path("error").isTextual()).isTrue();
    }

    @Test
    void unknownFaultIsRefusedListingTheKnownOnes() {
        HttpResponse<String> response = http.post("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", "gremlins");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("gremlins").contains("stream-cut");
    }

    @Test
    void resetGivesAConnectionErrorAndNoResponse() {
        assertThatThrownBy(() -> http.postRaw("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", "reset"))
                .isInstanceOf(IOException.class);
        try (RawHttp raw = new RawHttp(provider)) {
            assertThat(raw.post("/v1/chat/completions", Http.HELLO_OPENAI, "x-fake-fault", "reset")
                            .readToEnd())
                    .isEmpty();
        }
    }

    @Test
    void streamCutEndsMidStreamWithoutTerminator() {
        try (RawHttp raw = new RawHttp(provider)) {
            String received = raw.post("/v1/messages", Http.HELLO_ANTHROPIC_STREAM, "x-fake-fault", "stream-cut")
                    .readToEnd();
            assertThat(received)
                    .startsWith("HTTP/1.1 200")
                    .contains("event: message_start")
                    .doesNotContain("message_stop")
                    .doesNotContain("content_block_stop")
                    .doesNotContain(RawHttp.LAST_CHUNK);
            assertThat(received.split("event: content_block_delta", -1)).hasSize(1 + 4);
        }
        try (RawHttp raw = new RawHttp(provider)) {
            String received = raw.post(
                            "/v1/chat/completions",
                            Http.HELLO_OPENAI.replace("}]}", "}],\"stream\":true}"),
                            "x-fake-fault",
                            "stream-cut")
                    .readToEnd();
            assertThat(received)
                    .contains("chat.completion.chunk")
                    .doesNotContain("[DONE]")
                    .doesNotContain(RawHttp.LAST_CHUNK);
        }
    }

    @Test
    void noTerminatorEndsTheResponseCleanlyWithoutTheLastEvent() {
        try (RawHttp raw = new RawHttp(provider)) {
            String received = raw.post("/v1/messages", Http.HELLO_ANTHROPIC_STREAM, "x-fake-fault", "no-terminator")
                    .readUntil(RawHttp.LAST_CHUNK);
            assertThat(received).contains("event: message_delta").doesNotContain("message_stop");
        }
        String openAi = http.post(
                        "/v1/chat/completions",
                        Http.HELLO_OPENAI.replace("}]}", "}],\"stream\":true}"),
                        "x-fake-fault",
                        "no-terminator")
                .body();
        assertThat(openAi).contains("finish_reason\":\"stop").doesNotContain("[DONE]");
        String ollama = http.post("/api/chat", "{\"model\":\"fault-no-terminator\",\"messages\":[]}")
                .body();
        assertThat(ollama).contains("\"done\":false").doesNotContain("\"done\":true");
    }

    @Test
    void malformedPutsANonJsonDataLineMidStreamAndCarriesOn() {
        String body = http.post("/v1/messages", Http.HELLO_ANTHROPIC_STREAM, "x-fake-fault", "malformed")
                .body();
        assertThat(body)
                .contains("data: {\"type\": \"content_block_delta\", \"delta\": {tru\n")
                .endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        long bad = Http.sse(body).stream()
                .map(Map.Entry::getValue)
                .filter(data -> {
                    try {
                        Json.MAPPER.readTree(data);
                        return false;
                    } catch (IOException e) {
                        return true;
                    }
                })
                .count();
        assertThat(bad).isEqualTo(1);
        assertThat(http.post("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", "malformed")
                        .body())
                .startsWith("{")
                .doesNotEndWith("}");
    }

    @Test
    void bigEventsStreamsOneSixteenKibDeltaMaxTokensTimes() {
        String body = http.post(
                        "/v1/messages",
                        Http.HELLO_ANTHROPIC_STREAM.replace("\"max_tokens\":100", "\"max_tokens\":5"),
                        "x-fake-fault",
                        "big-events")
                .body();
        List<String> deltas = Http.sse(body).stream()
                .filter(e -> e.getKey().equals("content_block_delta"))
                .map(Map.Entry::getValue)
                .toList();
        assertThat(deltas)
                .hasSize(5)
                .allSatisfy(data -> assertThat(
                                Http.json(data).path("delta").path("text").asText())
                        .hasSize(Answer.BIG_EVENT_CHARS));
        assertThat(body).endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    @Test
    void contentFilterStopsWithRefusalOrContentFilter() {
        JsonNode anthropic = Http.json(http.post("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", "content-filter")
                .body());
        assertThat(anthropic.path("stop_reason").asText()).isEqualTo("refusal");
        assertThat(anthropic.path("content").get(0).path("text").asText()).isNotBlank();
        JsonNode openAi =
                Http.json(http.post("/v1/chat/completions", Http.HELLO_OPENAI, "x-fake-fault", "content-filter")
                        .body());
        assertThat(openAi.path("choices").get(0).path("finish_reason").asText()).isEqualTo("content_filter");
    }

    @Test
    void flappingAlternatesUnavailableAndSuccess() {
        try (FakeProvider own = FakeProvider.builder().start();
                Http client = new Http(own)) {
            for (int i = 1; i <= 4; i++) {
                int status = client.post("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", "flapping")
                        .statusCode();
                assertThat(status).as("request %d", i).isEqualTo(i % 2 == 1 ? 503 : 200);
            }
        }
    }

    @Test
    void timingFaultsStillAnswerWhenGivenShortWaits() {
        assertThat(http.post(
                                "/v1/messages",
                                Http.HELLO_ANTHROPIC_STREAM,
                                "x-fake-fault",
                                "slow-headers",
                                "x-fake-latency",
                                "30ms")
                        .body())
                .endsWith("data: {\"type\":\"message_stop\"}\n\n");
        assertThat(http.post(
                                "/v1/messages",
                                Http.HELLO_ANTHROPIC_STREAM,
                                "x-fake-fault",
                                "slow-first-token",
                                "x-fake-ttft",
                                "30ms")
                        .body())
                .endsWith("data: {\"type\":\"message_stop\"}\n\n");
        assertThat(http.post(
                                "/v1/messages",
                                Http.HELLO_ANTHROPIC_STREAM,
                                "x-fake-fault",
                                "stall",
                                "x-fake-stall",
                                "30ms")
                        .body())
                .endsWith("data: {\"type\":\"message_stop\"}\n\n");
    }

    @Test
    void slowFirstTokenSendsHeadersAndMessageStartAtOnce() {
        try (RawHttp raw = new RawHttp(provider)) {
            String received = raw.post("/v1/messages", Http.HELLO_ANTHROPIC_STREAM, "x-fake-fault", "slow-first-token")
                    .readUntil("event: ping");
            assertThat(received)
                    .startsWith("HTTP/1.1 200")
                    .contains("event: message_start")
                    .doesNotContain("content_block_delta");
        }
    }

    @Test
    void badTimingHeaderIsRefusedNamingIt() {
        HttpResponse<String> response = http.post("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-ttft", "soon");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("x-fake-ttft").contains("soon");
    }
}
