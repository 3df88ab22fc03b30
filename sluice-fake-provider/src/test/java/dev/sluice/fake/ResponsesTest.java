package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI Responses API: whole and streamed answers, tool calls, the shell loop, errors and faults. */
class ResponsesTest {
    static final String HELLO = "{\"model\":\"gpt-fake\",\"instructions\":\"Be brief.\",\"input\":\"hello there\"}";
    static final String TOOLS = "\"tools\":[{\"type\":\"web_search\"},{\"type\":\"function\",\"name\":\"get_weather\","
            + "\"description\":\"d\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";

    static FakeProvider provider;
    static Http http;

    @BeforeAll
    static void start() {
        provider = FakeProvider.builder().deltas(6).start();
        http = new Http(provider);
    }

    @AfterAll
    static void stop() {
        http.close();
        provider.close();
    }

    @Test
    void aWholeTextAnswerIsACompletedResponse() {
        HttpResponse<String> response = http.post("/v1/responses", HELLO);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode root = Http.json(response.body());
        assertThat(root.path("id").asText()).startsWith("resp_");
        assertThat(root.path("object").asText()).isEqualTo("response");
        assertThat(root.path("status").asText()).isEqualTo("completed");
        assertThat(root.path("model").asText()).isEqualTo("gpt-fake");
        JsonNode message = root.path("output").get(0);
        assertThat(root.path("output")).hasSize(1);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("content").get(0).path("type").asText()).isEqualTo("output_text");
        assertThat(message.path("content").get(0).path("text").asText()).endsWith(".");
        assertThat(message.path("content").get(0).path("annotations").isArray()).isTrue();
        // "Be brief." + "hello there" = 20 characters / 4
        assertThat(root.path("usage").path("input_tokens").asInt()).isEqualTo(5);
        assertThat(root.path("usage").path("output_tokens").asInt()).isEqualTo(6);
        assertThat(root.path("usage").path("total_tokens").asInt()).isEqualTo(11);
        assertThat(root.path("usage")
                        .path("input_tokens_details")
                        .path("cached_tokens")
                        .asInt())
                .isZero();
        assertThat(root.path("usage")
                        .path("output_tokens_details")
                        .path("reasoning_tokens")
                        .asInt())
                .isZero();
        assertThat(http.post("/responses", HELLO).body()).isEqualTo(response.body());
    }

    @Test
    void theTokenLimitMakesItIncomplete() {
        JsonNode root = Http.json(http.post("/v1/responses", HELLO.replace("}", ",\"max_output_tokens\":2}"))
                .body());
        assertThat(root.path("status").asText()).isEqualTo("incomplete");
        assertThat(root.path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
        assertThat(root.path("usage").path("output_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void aStreamedTextAnswerHasTheFullEventSequence() {
        HttpResponse<String> response = http.post("/v1/responses", HELLO.replace("}", ",\"stream\":true}"));
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<Map.Entry<String, String>> events = Http.sse(response.body());
        assertThat(events.stream().map(Map.Entry::getKey).toList())
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = Http.json(events.get(i).getValue());
            assertThat(data.path("type").asText()).isEqualTo(events.get(i).getKey());
            assertThat(data.path("sequence_number").asInt()).isEqualTo(i);
        }
        StringBuilder text = new StringBuilder();
        events.stream()
                .filter(e -> e.getKey().equals("response.output_text.delta"))
                .forEach(e -> text.append(Http.json(e.getValue()).path("delta").asText()));
        JsonNode completed = Http.json(events.getLast().getValue()).path("response");
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed
                        .path("output")
                        .get(0)
                        .path("content")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo(text.toString());
        assertThat(Http.json(events.get(0).getValue())
                        .path("response")
                        .path("status")
                        .asText())
                .isEqualTo("in_progress");
        assertThat(Http.json(http.post("/v1/responses", HELLO).body())
                        .path("output")
                        .get(0)
                        .path("content")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo(text.toString());
    }

    @Test
    void aToolCallIsAFunctionCallItemWholeOrStreamed() {
        String request =
                "{\"model\":\"m\"," + TOOLS + ",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                        + "\"text\":\"weather?\"}]}]}";
        JsonNode call = Http.json(http.post("/v1/responses", request).body()).path("output");
        assertThat(call).singleElement().satisfies(item -> {
            assertThat(item.path("type").asText()).isEqualTo("function_call");
            assertThat(item.path("id").asText()).startsWith("fc_");
            assertThat(item.path("call_id").asText()).startsWith("call_");
            assertThat(item.path("name").asText()).isEqualTo("get_weather");
            assertThat(item.path("arguments").asText()).isEqualTo("{\"city\":\"sluice\"}");
            assertThat(item.path("status").asText()).isEqualTo("completed");
        });

        List<Map.Entry<String, String>> events =
                Http.sse(http.post("/v1/responses", request.replace("{\"model\"", "{\"stream\":true,\"model\""))
                        .body());
        List<String> types = events.stream().map(Map.Entry::getKey).toList();
        assertThat(types.subList(0, 3))
                .containsExactly("response.created", "response.in_progress", "response.output_item.added");
        assertThat(types.subList(types.size() - 3, types.size()))
                .containsExactly(
                        "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        assertThat(types.subList(3, types.size() - 3))
                .hasSizeGreaterThan(1)
                .allMatch("response.function_call_arguments.delta"::equals);
        JsonNode added = Http.json(events.get(2).getValue()).path("item");
        assertThat(added.path("arguments").asText()).isEmpty();
        StringBuilder arguments = new StringBuilder();
        events.stream()
                .filter(e -> e.getKey().equals("response.function_call_arguments.delta"))
                .forEach(e ->
                        arguments.append(Http.json(e.getValue()).path("delta").asText()));
        assertThat(arguments.toString()).isEqualTo("{\"city\":\"sluice\"}");
    }

    @Test
    void theShellLoopCallsThenQuotesTheFunctionCallOutput() {
        String tools = "\"tools\":[{\"type\":\"function\",\"name\":\"shell\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"command\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}}]";
        String first = "{\"model\":\"m\"," + tools + ",\"input\":[{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":\"run: git status\"}]}";
        JsonNode call = Http.json(http.post("/v1/responses", first).body())
                .path("output")
                .get(0);
        assertThat(call.path("name").asText()).isEqualTo("shell");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"command\":[\"bash\",\"-lc\",\"git status\"]}");

        String answered = first.replace(
                "}]}",
                "},{\"type\":\"reasoning\",\"summary\":[]},{\"type\":\"function_call\","
                        + "\"call_id\":\"call_1\",\"name\":\"shell\",\"arguments\":\"{}\"},{\"type\":\"function_call_output\","
                        + "\"call_id\":\"call_1\",\"output\":\"clean\"}]}");
        JsonNode output = Http.json(http.post("/v1/responses", answered).body()).path("output");
        assertThat(output)
                .singleElement()
                .satisfies(m -> assertThat(m.path("content").get(0).path("text").asText())
                        .isEqualTo("tool said: clean"));
    }

    @Test
    void badRequestsAreOpenAiErrorsNamingTheField() {
        for (String[] bad : new String[][] {
            {"{\"input\":\"x\"}", "model"},
            {"{\"model\":\"m\"}", "input"},
            {"{\"model\":\"m\",\"input\":5}", "input"},
            {"{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":0}", "max_output_tokens"}
        }) {
            HttpResponse<String> response = http.post("/v1/responses", bad[0]);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(Http.json(response.body()).path("error").path("message").asText())
                    .startsWith(bad[1]);
            assertThat(Http.json(response.body()).path("error").path("type").asText())
                    .isEqualTo("invalid_request_error");
        }
    }

    @Test
    void faultsApply() {
        HttpResponse<String> limited = http.post("/v1/responses", HELLO, "x-fake-fault", "rate-limit");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(Http.json(limited.body()).path("error").path("code").asText())
                .isEqualTo("rate_limit_exceeded");

        String streamed = HELLO.replace("}", ",\"stream\":true}");
        List<String> cut =
                Http.sse(http.post("/v1/responses", streamed, "x-fake-fault", "no-terminator")
                                .body())
                        .stream()
                        .map(Map.Entry::getKey)
                        .toList();
        assertThat(cut.getLast()).isEqualTo("response.output_item.done");

        JsonNode refused = Http.json(http.post("/v1/responses", HELLO, "x-fake-fault", "content-filter")
                .body());
        assertThat(refused.path("output")
                        .get(0)
                        .path("content")
                        .get(0)
                        .path("type")
                        .asText())
                .isEqualTo("refusal");
        assertThat(refused.path("output")
                        .get(0)
                        .path("content")
                        .get(0)
                        .path("refusal")
                        .asText())
                .isEqualTo(Answer.REFUSAL_TEXT);
    }

    @Test
    void streamErrorIsAnErrorEventThenResponseFailed() {
        List<Map.Entry<String, String>> events = Http.sse(
                http.post("/v1/responses", HELLO.replace("}", ",\"stream\":true}"), "x-fake-fault", "stream-error")
                        .body());
        List<String> types = events.stream().map(Map.Entry::getKey).toList();
        assertThat(types)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "error",
                        "response.failed");
        JsonNode error = Http.json(events.get(7).getValue());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("code").asText()).isEqualTo("server_error");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("param").isNull()).isTrue();
        assertThat(error.path("sequence_number").asInt()).isEqualTo(7);
        JsonNode failed = Http.json(events.get(8).getValue());
        assertThat(failed.path("sequence_number").asInt()).isEqualTo(8);
        assertThat(failed.path("response").path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("response").path("error").path("code").asText()).isEqualTo("server_error");
    }

    @Test
    void streamErrorInTheOtherDialects() {
        String anthropic = http.post("/v1/messages", Http.HELLO_ANTHROPIC_STREAM, "x-fake-fault", "stream-error")
                .body();
        List<Map.Entry<String, String>> events = Http.sse(anthropic);
        assertThat(events.getLast().getKey()).isEqualTo("error");
        assertThat(Http.json(events.getLast().getValue())
                        .path("error")
                        .path("type")
                        .asText())
                .isEqualTo("api_error");

        String openAi = http.post(
                        "/v1/chat/completions",
                        Http.HELLO_OPENAI.replace("}]}", "}],\"stream\":true}"),
                        "x-fake-fault",
                        "stream-error")
                .body();
        assertThat(Http.json(Http.sse(openAi).getLast().getValue())
                        .path("error")
                        .path("code")
                        .asText())
                .isEqualTo("server_error");
        assertThat(openAi).doesNotContain("[DONE]");

        String[] lines = http.post(
                        "/api/chat",
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        "x-fake-fault",
                        "stream-error")
                .body()
                .split("\n");
        assertThat(Http.json(lines[lines.length - 1]).path("error").asText()).isNotBlank();

        assertThat(http.post("/v1/responses", HELLO, "x-fake-fault", "stream-error")
                        .statusCode())
                .isEqualTo(200);
    }
}
