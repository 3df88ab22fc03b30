package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fault name's options ({@code -at-<N>}, {@code -times-<K>}, {@code -after-<millis>}, {@code -case-<N>}) and malformed-event. */
class ScriptedFaultsTest {
    static final int DELTAS = 8;

    static FakeProvider provider;
    static Http http;

    @BeforeAll
    static void start() {
        provider = FakeProvider.builder().deltas(DELTAS).start();
        http = new Http(provider);
    }

    @AfterAll
    static void stop() {
        http.close();
        provider.close();
    }

    static String anthropic(String model, boolean stream) {
        String body = stream ? Http.HELLO_ANTHROPIC_STREAM : Http.HELLO_ANTHROPIC;
        return body.replace("claude-fake", model);
    }

    static String openAi(String model, boolean stream) {
        String body = Http.HELLO_OPENAI.replace("gpt-fake", model);
        return stream ? body.replace("}]}", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}") : body;
    }

    /** The text of each Anthropic {@code text_delta}, in order. */
    static List<String> anthropicDeltas(String sse) {
        return Http.sse(sse).stream()
                .filter(e -> e.getKey().equals("content_block_delta"))
                .map(e -> Http.json(e.getValue()).path("delta").path("text").asText())
                .toList();
    }

    /** The text of each OpenAI chunk's {@code delta.content}, leaving out the role chunk's empty one. */
    static List<String> openAiDeltas(String sse) {
        List<String> deltas = new ArrayList<>();
        for (Map.Entry<String, String> event : Http.sse(sse)) {
            if (event.getValue().equals("[DONE]") || !isJson(event.getValue())) continue;
            JsonNode content = Http.json(event.getValue())
                    .path("choices")
                    .path(0)
                    .path("delta")
                    .path("content");
            if (content.isTextual() && !content.asText().isEmpty()) deltas.add(content.asText());
        }
        return deltas;
    }

    static boolean isJson(String text) {
        try {
            Json.MAPPER.readTree(text);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static long notJson(List<String> data) {
        return data.stream().filter(d -> !isJson(d)).count();
    }

    @Test
    void streamCutAtNCutsAfterExactlyNDeltas() {
        try (RawHttp raw = new RawHttp(provider)) {
            String received = raw.post("/v1/messages", anthropic("fault-stream-cut-at-3", true))
                    .readToEnd();
            assertThat(received).contains("event: message_start").doesNotContain("message_stop");
            assertThat(received.split("event: content_block_delta", -1)).hasSize(1 + 3);
        }
        try (RawHttp raw = new RawHttp(provider)) {
            String received = raw.post(
                            "/v1/messages",
                            Http.HELLO_ANTHROPIC_STREAM,
                            "x-fake-fault",
                            "stream-cut",
                            "x-fake-fault-at",
                            "5")
                    .readToEnd();
            assertThat(received.split("event: content_block_delta", -1)).hasSize(1 + 5);
        }
        try (RawHttp raw = new RawHttp(provider)) {
            String received = raw.post("/v1/chat/completions", openAi("fault-stream-cut-at-3", true))
                    .readToEnd();
            assertThat(received).contains("chat.completion.chunk").doesNotContain("[DONE]");
            assertThat(received.split("\"delta\":\\{\"content\":", -1)).hasSize(1 + 3);
        }
    }

    @Test
    void atAllTheDeltasStrikesAfterTheLastOne() {
        try (RawHttp raw = new RawHttp(provider)) {
            String received = raw.post("/v1/messages", anthropic("fault-stream-cut-at-99", true))
                    .readToEnd();
            assertThat(received.split("event: content_block_delta", -1)).hasSize(1 + DELTAS);
            assertThat(received).doesNotContain("content_block_stop").doesNotContain("message_delta");
        }
        try (RawHttp raw = new RawHttp(provider)) {
            String received = raw.post("/v1/messages", anthropic("fault-stream-cut-at-0", true))
                    .readToEnd();
            assertThat(received).contains("event: ping").doesNotContain("content_block_delta");
        }
    }

    @Test
    void streamErrorAtNSendsNDeltasThenTheError() {
        String anthropic = http.post("/v1/messages", anthropic("fault-stream-error-at-2", true))
                .body();
        assertThat(anthropicDeltas(anthropic)).hasSize(2);
        assertThat(anthropic)
                .endsWith("event: error\ndata: "
                        + new AnthropicDialect().error(ErrorKind.SERVER_ERROR, ErrorKind.SERVER_ERROR.defaultMessage)
                        + "\n\n");
        String openAi = http.post("/v1/chat/completions", openAi("fault-stream-error-at-6", true))
                .body();
        assertThat(openAiDeltas(openAi)).hasSize(6);
        assertThat(openAi).contains("\"error\":").doesNotContain("[DONE]");
    }

    @Test
    void atNLeavesWholeAnswersAsTheFaultHasThem() {
        HttpResponse<String> whole = http.post("/v1/messages", anthropic("fault-stream-error-at-2", false));
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(Http.json(whole.body()).path("usage").path("output_tokens").asInt())
                .isEqualTo(DELTAS);
        try (RawHttp raw = new RawHttp(provider)) {
            String cut = raw.post("/v1/chat/completions", openAi("fault-stream-cut-at-2", false))
                    .readToEnd();
            assertThat(cut).startsWith("HTTP/1.1 200").doesNotEndWith("}");
        }
    }

    @Test
    void atOnAFaultThatDoesNotStrikeMidStreamIsRefused() {
        HttpResponse<String> response = http.post("/v1/messages", anthropic("fault-server-error-at-2", false));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response.body()).path("error").path("message").asText())
                .contains("-at-");
    }

    @Test
    void timesOneFaultsTheFirstRequestThenAnswersLikeAHealthyModel() {
        JsonNode healthy = Http.json(
                http.post("/v1/messages", anthropic("claude-fake", false)).body());

        HttpResponse<String> first = http.post("/v1/messages", anthropic("fault-server-error-times-1", false));
        HttpResponse<String> second = http.post("/v1/messages", anthropic("fault-server-error-times-1", false));
        HttpResponse<String> third = http.post("/v1/messages", anthropic("fault-server-error-times-1", false));

        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(Http.json(first.body()).path("error").path("type").asText()).isEqualTo("api_error");
        for (HttpResponse<String> later : List.of(second, third)) {
            assertThat(later.statusCode()).isEqualTo(200);
            JsonNode answer = Http.json(later.body());
            assertThat(answer.path("content")).isEqualTo(healthy.path("content"));
            assertThat(answer.path("usage")).isEqualTo(healthy.path("usage"));
            assertThat(answer.path("stop_reason").asText()).isEqualTo("end_turn");
        }
        // another string counts on its own
        assertThat(http.post("/v1/messages", anthropic("fault-server-error-times-2", false))
                        .statusCode())
                .isEqualTo(500);
    }

    @Test
    void caseGivesTheSameFaultACountOfItsOwn() {
        for (String model : List.of("fault-server-error-times-1-case-1", "fault-server-error-case-2-times-1")) {
            assertThat(http.post("/v1/messages", anthropic(model, false)).statusCode())
                    .as(model + ", first")
                    .isEqualTo(500);
            assertThat(http.post("/v1/messages", anthropic(model, false)).statusCode())
                    .as(model + ", second")
                    .isEqualTo(200);
        }
        assertThat(http.post("/v1/messages", anthropic("fault-server-error-case-1-case-2", false))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void timesCombinesWithAtOnAStream() {
        String healthy =
                http.post("/v1/chat/completions", openAi("gpt-fake", true)).body();
        String model = "fault-stream-cut-at-3-times-1";
        try (RawHttp raw = new RawHttp(provider)) {
            String cut = raw.post("/v1/chat/completions", openAi(model, true)).readToEnd();
            assertThat(cut).doesNotContain("[DONE]");
            assertThat(cut.split("\"delta\":\\{\"content\":", -1)).hasSize(1 + 3);
        }
        String whole = http.post("/v1/chat/completions", openAi(model, true)).body();
        assertThat(whole).endsWith("data: [DONE]\n\n");
        assertThat(openAiDeltas(whole)).hasSize(DELTAS).isEqualTo(openAiDeltas(healthy));
        assertThat(whole.replace(model, "gpt-fake").replaceAll("chatcmpl-fake-[0-9a-f]+", "ID"))
                .isEqualTo(healthy.replaceAll("chatcmpl-fake-[0-9a-f]+", "ID"));
    }

    @Test
    void timesCountsExactlyKAmongConcurrentRequests() throws Exception {
        String body = openAi("fault-unavailable-times-5", false);
        List<Future<Integer>> statuses = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                statuses.add(threads.submit(
                        () -> http.post("/v1/chat/completions", body).statusCode()));
            }
        }
        List<Integer> seen = new ArrayList<>();
        for (Future<Integer> status : statuses) seen.add(status.get());
        assertThat(seen).filteredOn(s -> s == 503).hasSize(5);
        assertThat(seen).filteredOn(s -> s == 200).hasSize(15);
    }

    @Test
    void malformedEventSendsOneBadEventAndCompletesTheAnthropicStream() {
        String healthy =
                http.post("/v1/messages", anthropic("claude-fake", true)).body();
        String body = http.post("/v1/messages", anthropic("fault-malformed-event-at-2", true))
                .body();

        List<String> data = Http.sse(body).stream().map(Map.Entry::getValue).toList();
        assertThat(notJson(data)).isEqualTo(1);
        int bad = data.indexOf(data.stream().filter(d -> !isJson(d)).findFirst().orElseThrow());
        assertThat(Http.sse(body).subList(0, bad))
                .as("the bad event comes after exactly 2 deltas")
                .filteredOn(e -> e.getKey().equals("content_block_delta"))
                .hasSize(2);
        assertThat(body).endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        assertThat(data.stream()
                        .filter(ScriptedFaultsTest::isJson)
                        .map(d -> d.replace("fault-malformed-event-at-2", "claude-fake")
                                .replaceAll("msg_fake_[0-9a-f]+", "ID"))
                        .toList())
                .as("every other event as in a healthy stream: all deltas, the stop, the usage")
                .isEqualTo(Http.sse(healthy).stream()
                        .map(e -> e.getValue().replaceAll("msg_fake_[0-9a-f]+", "ID"))
                        .toList());
    }

    @Test
    void malformedEventCompletesTheOpenAiOllamaAndResponsesStreams() {
        String openAi = http.post("/v1/chat/completions", openAi("fault-malformed-event", true))
                .body();
        assertThat(notJson(Http.sse(openAi).stream()
                        .map(Map.Entry::getValue)
                        .filter(d -> !d.equals("[DONE]"))
                        .toList()))
                .isEqualTo(1);
        assertThat(openAiDeltas(openAi)).hasSize(DELTAS);
        assertThat(openAi).contains("\"finish_reason\":\"stop\"").endsWith("data: [DONE]\n\n");

        String ollama = http.post(
                        "/api/chat",
                        "{\"model\":\"fault-malformed-event\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
                .body();
        List<String> lines = List.of(ollama.split("\n"));
        assertThat(notJson(lines)).isEqualTo(1);
        assertThat(lines).hasSize(DELTAS + 2);
        assertThat(Http.json(lines.get(lines.size() - 1)).path("done").asBoolean())
                .isTrue();

        String responses = http.post(
                        "/v1/responses", "{\"model\":\"fault-malformed-event\",\"input\":\"hello\",\"stream\":true}")
                .body();
        List<Map.Entry<String, String>> events = Http.sse(responses);
        assertThat(notJson(events.stream().map(Map.Entry::getValue).toList())).isEqualTo(1);
        assertThat(events)
                .filteredOn(e -> e.getKey().equals("response.output_text.delta"))
                .hasSize(DELTAS + 1); // the bad event carries that name too
        assertThat(events.get(events.size() - 1).getKey()).isEqualTo("response.completed");
    }

    @Test
    void malformedEventLeavesWholeAnswersWhole() {
        JsonNode healthy = Http.json(
                http.post("/v1/chat/completions", openAi("gpt-fake", false)).body());
        HttpResponse<String> anthropic = http.post("/v1/messages", anthropic("fault-malformed-event", false));
        HttpResponse<String> openAi = http.post("/v1/chat/completions", openAi("fault-malformed-event", false));
        assertThat(Http.json(anthropic.body())
                        .path("content")
                        .path(0)
                        .path("text")
                        .asText())
                .isNotBlank();
        assertThat(Http.json(openAi.body()).path("choices")).isEqualTo(healthy.path("choices"));
    }

    @Test
    void slowFirstTokenAfterMillisSendsHeadersAtOnceAndTheFirstDeltaAfterThem() {
        try (RawHttp raw = new RawHttp(provider)) {
            raw.post("/v1/messages", anthropic("fault-slow-first-token-after-1000", true));
            raw.readUntil("event: ping");
            long started = System.nanoTime();
            assertThat(raw.text()).doesNotContain("content_block_delta");
            raw.readUntil("event: content_block_delta");
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(waitedMillis).isGreaterThanOrEqualTo(500);
            // then normal pace (well within RawHttp's 10 s, far from the 30 s default wait)
            assertThat(raw.readUntil("event: message_stop").split("event: content_block_delta", -1))
                    .hasSize(1 + DELTAS);
        }
        long started = System.nanoTime();
        HttpResponse<String> whole =
                http.post("/v1/chat/completions", openAi("fault-slow-first-token-after-600", false));
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(600);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(Http.json(whole.body())
                        .path("usage")
                        .path("completion_tokens")
                        .asInt())
                .isEqualTo(DELTAS);
    }
}
