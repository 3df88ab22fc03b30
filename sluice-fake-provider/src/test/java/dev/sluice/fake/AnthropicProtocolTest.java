package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AnthropicProtocolTest {
    static final String TOOLS =
            "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\",\"properties\":"
                    + "{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"},\"metric\":{\"type\":\"boolean\"},"
                    + "\"tags\":{\"type\":\"array\"}}}},{\"name\":\"other\",\"input_schema\":{\"properties\":{\"n\":{\"type\":\"number\"}}}}]";

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
    void streamedAnswerHasTheFullEventSequence() {
        HttpResponse<String> response = http.post("/v1/messages?beta=true", Http.HELLO_ANTHROPIC_STREAM);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<Map.Entry<String, String>> events = Http.sse(response.body());
        List<String> names = events.stream().map(Map.Entry::getKey).toList();
        assertThat(names.subList(0, 3)).containsExactly("message_start", "content_block_start", "ping");
        assertThat(names.subList(3, 15)).containsOnly("content_block_delta");
        assertThat(names.subList(15, names.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        JsonNode start = Http.json(events.get(0).getValue()).path("message");
        assertThat(start.path("id").asText()).startsWith("msg_fake_");
        assertThat(start.path("model").asText()).isEqualTo("claude-fake");
        assertThat(start.path("usage").path("input_tokens").asInt()).isPositive();
        events.forEach(
                e -> assertThat(Http.json(e.getValue()).path("type").asText()).isEqualTo(e.getKey()));
        JsonNode delta = Http.json(events.get(15 + 1).getValue());
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(12);
        assertThat(Http.json(events.get(3).getValue())
                        .path("delta")
                        .path("type")
                        .asText())
                .isEqualTo("text_delta");
    }

    @Test
    void nonStreamedAnswerIsOneMessage() {
        JsonNode message =
                Http.json(http.post("/v1/messages", Http.HELLO_ANTHROPIC).body());

        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(message.path("content").get(0).path("text").asText().split(" "))
                .hasSize(12);
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.path("usage").path("output_tokens").asInt()).isEqualTo(12);
    }

    @Test
    void maxTokensCapsTheAnswer() {
        JsonNode message = Http.json(http.post(
                        "/v1/messages",
                        "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .body());

        assertThat(message.path("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(message.path("usage").path("output_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void toolUseIsStreamedAsInputJsonPiecesThatFormTheInput() {
        String request = "{\"model\":\"m\",\"max_tokens\":100,\"stream\":true," + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}";
        List<Map.Entry<String, String>> events =
                Http.sse(http.post("/v1/messages", request).body());

        assertThat(events.stream().map(Map.Entry::getKey).toList())
                .startsWith("message_start", "content_block_start", "ping")
                .endsWith("content_block_stop", "message_delta", "message_stop");
        JsonNode block = Http.json(events.get(1).getValue()).path("content_block");
        assertThat(block.path("type").asText()).isEqualTo("tool_use");
        assertThat(block.path("id").asText()).startsWith("toolu_fake_");
        assertThat(block.path("name").asText()).isEqualTo("get_weather");
        List<String> pieces = events.stream()
                .filter(e -> e.getKey().equals("content_block_delta"))
                .map(e -> Http.json(e.getValue()).path("delta"))
                .peek(d -> assertThat(d.path("type").asText()).isEqualTo("input_json_delta"))
                .map(d -> d.path("partial_json").asText())
                .toList();
        assertThat(pieces).hasSizeGreaterThan(1);
        JsonNode input = Http.json(String.join("", pieces));
        assertThat(input.toString()).isEqualTo("{\"city\":\"sluice\",\"days\":42,\"metric\":true,\"tags\":null}");
        assertThat(Http.json(events.get(events.size() - 2).getValue())
                        .path("delta")
                        .path("stop_reason")
                        .asText())
                .isEqualTo("tool_use");
    }

    @Test
    void toolChoiceNamesTheToolOrTurnsToolsOff() {
        String named = "{\"model\":\"m\",\"max_tokens\":100," + TOOLS
                + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"other\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        JsonNode block = Http.json(http.post("/v1/messages", named).body())
                .path("content")
                .get(0);
        assertThat(block.path("name").asText()).isEqualTo("other");
        assertThat(block.path("input").toString()).isEqualTo("{\"n\":42}");

        String none = named.replace("{\"type\":\"tool\",\"name\":\"other\"}", "{\"type\":\"none\"}");
        JsonNode message = Http.json(http.post("/v1/messages", none).body());
        assertThat(message.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    void toolResultIsAnsweredWithTextThatQuotesIt() {
        String request = "{\"model\":\"m\",\"max_tokens\":100," + TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"get_weather\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":\"sunny, 21C\"}]}]}";
        JsonNode message = Http.json(http.post("/v1/messages", request).body());

        assertThat(message.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(message.path("content").get(0).path("text").asText()).contains("sunny, 21C");
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    void missingFieldsAreRefusedNamingTheField() {
        assertInvalid("{\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "model");
        assertInvalid("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "max_tokens");
        assertInvalid("{\"model\":\"m\",\"max_tokens\":1}", "messages");
        assertInvalid("this is not json", "JSON");
    }

    private static void assertInvalid(String body, String field) {
        HttpResponse<String> response = http.post("/v1/messages", body);
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Http.json(response.body());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("error").path("message").asText()).contains(field);
    }

    @Test
    void countTokensIsCharactersOverFour() {
        String body =
                "{\"model\":\"m\",\"system\":\"abcd\",\"messages\":[{\"role\":\"user\",\"content\":\"abcdefgh\"}]}";
        assertThat(Http.json(http.post("/v1/messages/count_tokens", body).body())
                        .path("input_tokens")
                        .asInt())
                .isEqualTo(3);
        String empty = "{\"model\":\"m\",\"messages\":[]}";
        assertThat(Http.json(http.post("/v1/messages/count_tokens", empty).body())
                        .path("input_tokens")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void modelsSpeakTheDialectOfTheCaller() {
        JsonNode anthropic = Http.json(
                http.get("/v1/models", "anthropic-version", "2023-06-01").body());
        assertThat(anthropic.path("data").get(0).path("type").asText()).isEqualTo("model");
        assertThat(anthropic.path("data").get(0).path("display_name").asText()).isEqualTo("Fake Model");
        assertThat(anthropic.path("has_more").asBoolean(true)).isFalse();
        assertThat(anthropic.path("first_id").asText()).isEqualTo("fake-model");

        JsonNode openAi = Http.json(http.get("/v1/models").body());
        assertThat(openAi.path("object").asText()).isEqualTo("list");
        assertThat(openAi.path("data").get(0).path("owned_by").asText()).isEqualTo("sluice-fake");
        assertThat(openAi.path("data").get(0).path("created").asLong()).isEqualTo(1735689600L);
    }

    @Test
    void sameRequestGivesTheSameBytesAndAnotherRequestOtherWords() {
        String first = http.post("/v1/messages", Http.HELLO_ANTHROPIC_STREAM).body();
        assertThat(http.post("/v1/messages", Http.HELLO_ANTHROPIC_STREAM).body())
                .isEqualTo(first);
        assertThat(http.post("/v1/messages", Http.HELLO_ANTHROPIC).body())
                .isEqualTo(http.post("/v1/messages", Http.HELLO_ANTHROPIC).body());

        String other = http.post("/v1/messages", Http.HELLO_ANTHROPIC.replace("hello", "goodbye"))
                .body();
        String hello = http.post("/v1/messages", Http.HELLO_ANTHROPIC).body();
        assertThat(Http.json(other).path("content").get(0).path("text").asText())
                .isNotEqualTo(
                        Http.json(hello).path("content").get(0).path("text").asText());
        assertThat(Http.json(other).path("id").asText())
                .isNotEqualTo(Http.json(hello).path("id").asText());
    }

    @Test
    void unknownRouteIs404() {
        assertThat(http.post("/v1/nothing", "{}").statusCode()).isEqualTo(404);
    }
}
