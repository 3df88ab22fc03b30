package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A trailing assistant turn continued (Anthropic prefill, OpenAI {@code continue_final_message}), and refuse-prefill. */
class PrefillTest {
    static final int DELTAS = 8;
    static final String USER = "tell me about rivers";

    static FakeProvider provider;
    static Http http;
    /** The healthy answer's text deltas for {@link #USER}, and their joined text. */
    static List<String> deltas;

    static String text;

    @BeforeAll
    static void start() {
        provider = FakeProvider.builder().deltas(DELTAS).start();
        http = new Http(provider);
        deltas = ScriptedFaultsTest.anthropicDeltas(
                http.post("/v1/messages", anthropic(true, "")).body());
        text = String.join("", deltas);
    }

    @AfterAll
    static void stop() {
        http.close();
        provider.close();
    }

    static String json(String text) {
        return Json.write(Json.MAPPER.getNodeFactory().textNode(text));
    }

    /** An Anthropic request for {@link #USER}, with {@code assistant} (a JSON content value) as the last turn unless empty. */
    static String anthropic(boolean stream, String assistant) {
        return anthropic("claude-fake", stream, assistant);
    }

    static String anthropic(String model, boolean stream, String assistant) {
        String prefill = assistant.isEmpty() ? "" : ",{\"role\":\"assistant\",\"content\":" + assistant + "}";
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + USER + "\"}" + prefill + "]}";
    }

    static String openAi(String model, boolean stream, String assistant, boolean continueFinal) {
        String prefill = assistant.isEmpty() ? "" : ",{\"role\":\"assistant\",\"content\":" + assistant + "}";
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + (continueFinal ? ",\"continue_final_message\":true" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + USER + "\"}" + prefill + "]}";
    }

    /** The healthy deltas left after {@code prefix}: the one it ends in cut, the later ones whole. */
    static List<String> remainder(String prefix) {
        assertThat(text).startsWith(prefix);
        List<String> rest = new java.util.ArrayList<>();
        int end = 0;
        for (String delta : deltas) {
            int start = end;
            end += delta.length();
            if (end > prefix.length()) rest.add(delta.substring(Math.max(0, prefix.length() - start)));
        }
        return rest;
    }

    /** A prefix of the healthy text that ends mid-delta: the first delta and half of the second. */
    static String midDelta() {
        String prefix = deltas.get(0) + deltas.get(1).substring(0, deltas.get(1).length() / 2 + 1);
        assertThat(prefix.length())
                .isLessThan(deltas.get(0).length() + deltas.get(1).length());
        return prefix;
    }

    @Test
    void anthropicWholeAnswerIsTheRestOfThePrefilledText() {
        String prefix = midDelta();
        JsonNode healthy =
                Http.json(http.post("/v1/messages", anthropic(false, "")).body());
        JsonNode answer = Http.json(
                http.post("/v1/messages", anthropic(false, json(prefix))).body());

        String rest = answer.path("content").path(0).path("text").asText();
        assertThat(prefix + rest).isEqualTo(text);
        assertThat(rest).isNotEmpty().isNotEqualTo(text);
        assertThat(answer.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(answer.path("usage").path("output_tokens").asInt())
                .isEqualTo(remainder(prefix).size())
                .isEqualTo(DELTAS - 1);
        assertThat(answer.path("usage").path("input_tokens").asInt())
                .isEqualTo((USER.length() + prefix.length()) / 4)
                .isGreaterThan(healthy.path("usage").path("input_tokens").asInt());
    }

    @Test
    void anthropicStreamDeltasAreTheRemainderStartingMidDelta() {
        String prefix = midDelta();
        String body = http.post("/v1/messages", anthropic(true, json(prefix))).body();

        List<String> streamed = ScriptedFaultsTest.anthropicDeltas(body);
        assertThat(streamed).isEqualTo(remainder(prefix));
        assertThat(streamed.get(0))
                .isEqualTo(
                        deltas.get(1).substring(prefix.length() - deltas.get(0).length()));
        assertThat(prefix + String.join("", streamed)).isEqualTo(text);
        assertThat(body)
                .contains("\"output_tokens\":" + streamed.size() + "}")
                .endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    @Test
    void anthropicTextBlocksAndWholeDeltasPrefillToo() {
        String prefix = deltas.get(0) + deltas.get(1) + deltas.get(2);
        String blocks = "[{\"type\":\"text\",\"text\":" + json(deltas.get(0)) + "},{\"type\":\"text\",\"text\":"
                + json(deltas.get(1) + deltas.get(2)) + "}]";
        List<String> streamed = ScriptedFaultsTest.anthropicDeltas(
                http.post("/v1/messages", anthropic(true, blocks)).body());
        assertThat(streamed).isEqualTo(deltas.subList(3, DELTAS));
        assertThat(prefix + String.join("", streamed)).isEqualTo(text);
    }

    @Test
    void aPrefillThatIsNoPrefixGetsTheNormalAnswer() {
        JsonNode answer = Http.json(http.post("/v1/messages", anthropic(false, json("Something else entirely")))
                .body());
        assertThat(answer.path("content").path(0).path("text").asText()).isEqualTo(text);
        assertThat(answer.path("usage").path("output_tokens").asInt()).isEqualTo(DELTAS);
    }

    @Test
    void theWholeTextPrefilledLeavesNothing() {
        JsonNode answer = Http.json(
                http.post("/v1/messages", anthropic(false, json(text))).body());
        assertThat(answer.path("content").path(0).path("text").asText()).isEmpty();
        assertThat(answer.path("usage").path("output_tokens").asInt()).isZero();
    }

    @Test
    void openAiContinuesTheFinalMessageOnlyWhenAsked() {
        String prefix = midDelta();
        JsonNode whole = Http.json(http.post("/v1/chat/completions", openAi("gpt-fake", false, json(prefix), true))
                .body());
        String rest =
                whole.path("choices").path(0).path("message").path("content").asText();
        assertThat(prefix + rest).isEqualTo(text);
        assertThat(rest).isNotEqualTo(text);
        assertThat(whole.path("usage").path("completion_tokens").asInt())
                .isEqualTo(remainder(prefix).size());
        assertThat(whole.path("usage").path("prompt_tokens").asInt()).isEqualTo((USER.length() + prefix.length()) / 4);

        String body = http.post("/v1/chat/completions", openAi("gpt-fake", true, json(prefix), true))
                .body();
        List<String> streamed = ScriptedFaultsTest.openAiDeltas(body);
        assertThat(streamed).isEqualTo(remainder(prefix));
        assertThat(prefix + String.join("", streamed)).isEqualTo(text);
        assertThat(body)
                .contains("\"completion_tokens\":" + streamed.size() + ",")
                .endsWith("data: [DONE]\n\n");

        JsonNode notAsked = Http.json(http.post("/v1/chat/completions", openAi("gpt-fake", false, json(prefix), false))
                .body());
        assertThat(notAsked.path("choices")
                        .path(0)
                        .path("message")
                        .path("content")
                        .asText())
                .isEqualTo(text);
        assertThat(ScriptedFaultsTest.openAiDeltas(
                        http.post("/v1/chat/completions", openAi("gpt-fake", true, json(prefix), false))
                                .body()))
                .isEqualTo(deltas);
    }

    @Test
    void refusePrefillRefusesAnAnthropicPrefillOnly() {
        for (boolean stream : List.of(false, true)) {
            HttpResponse<String> refused =
                    http.post("/v1/messages", anthropic("fault-refuse-prefill", stream, json(midDelta())));
            assertThat(refused.statusCode()).isEqualTo(400);
            JsonNode error = Http.json(refused.body());
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("error").path("message").asText()).contains("prefill");

            HttpResponse<String> answered = http.post("/v1/messages", anthropic("fault-refuse-prefill", stream, ""));
            assertThat(answered.statusCode()).isEqualTo(200);
            String answerText = stream
                    ? String.join("", ScriptedFaultsTest.anthropicDeltas(answered.body()))
                    : Http.json(answered.body())
                            .path("content")
                            .path(0)
                            .path("text")
                            .asText();
            assertThat(answerText).isEqualTo(text);
        }
    }

    @Test
    void refusePrefillRefusesAnOpenAiTrailingAssistantTurnOnly() {
        for (boolean stream : List.of(false, true)) {
            for (boolean continueFinal : List.of(false, true)) {
                HttpResponse<String> refused = http.post(
                        "/v1/chat/completions",
                        openAi("fault-refuse-prefill", stream, json(midDelta()), continueFinal));
                assertThat(refused.statusCode()).isEqualTo(400);
                JsonNode error = Http.json(refused.body()).path("error");
                assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
                assertThat(error.path("message").asText()).contains("prefill");
            }
            HttpResponse<String> answered =
                    http.post("/v1/chat/completions", openAi("fault-refuse-prefill", stream, "", false));
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(
                            stream
                                    ? String.join("", ScriptedFaultsTest.openAiDeltas(answered.body()))
                                    : Http.json(answered.body())
                                            .path("choices")
                                            .path(0)
                                            .path("message")
                                            .path("content")
                                            .asText())
                    .isEqualTo(text);
        }
    }
}
