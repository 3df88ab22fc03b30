package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.WebSearchTool;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official OpenAI Java SDK's Responses API ({@code client.responses()}), unmodified, through Sluice's
 * {@code POST /v1/responses} to an Anthropic-, an OpenAI Chat Completions- and an Ollama-dialect upstream
 * (the fake): whole and streamed answers with the fake's text (the same the SDK gets from
 * {@code /v1/chat/completions}) and real usage, a function tool round trip, the output token limit, and
 * errors the SDK turns into its typed exceptions.
 */
@LeakChecked
class OpenAiResponsesSdkThroughSluiceTest {

    private static final int DELTAS = 12;

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(DELTAS));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "providers.claude.kind",
            "anthropic",
            "providers.claude.url",
            "{fake}",
            "providers.claude.api-keys",
            SluiceExtension.UPSTREAM_KEY,
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-openai-upstream",
            "providers.local.kind",
            "ollama",
            "providers.local.url",
            "{fake}",
            "routes.via-anthropic.targets",
            "claude:claude-fake-1",
            "routes.via-openai.targets",
            "oai:gpt-fake",
            "routes.via-ollama.targets",
            "local:llama-fake:3b");

    private static final String DIALECTS = """
            via-anthropic, /v1/messages, claude-fake-1
            via-openai, /v1/chat/completions, gpt-fake
            via-ollama, /api/chat, llama-fake:3b""";

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

    private static ResponseCreateParams.Builder params(String model) {
        return ResponseCreateParams.builder().model(model).maxOutputTokens(64).input("hello there");
    }

    /** What the same prompt gets through Chat Completions: the fake's deterministic answer. */
    private static String chatText(String model) {
        ChatCompletion c = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(model)
                        .maxCompletionTokens(64)
                        .addUserMessage("hello there")
                        .build());
        return c.choices().get(0).message().content().orElseThrow();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = DIALECTS)
    void wholeResponseHasTheFakesTextAndRealUsage(String model, String upstreamPath, String upstreamModel) {
        Response r = client.responses().create(params(model).build());
        r.validate(); // every field the SDK requires is there, with the right type

        assertThat(r.status()).contains(ResponseStatus.COMPLETED);
        assertThat(r.incompleteDetails()).isEmpty();
        assertThat(r.model().asString()).as("the model that answered").isEqualTo(upstreamModel);
        assertThat(r.id()).startsWith("resp");
        assertThat(text(r)).isNotBlank().isEqualTo(chatText(model));
        assertThat(r.usage().orElseThrow().inputTokens()).isPositive();
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(DELTAS);
        assertThat(r.usage().orElseThrow().totalTokens())
                .isEqualTo(r.usage().orElseThrow().inputTokens()
                        + r.usage().orElseThrow().outputTokens());

        RecordedRequest seen = lastTo(upstreamPath);
        assertThat(seen.body()).contains(upstreamModel);
        assertThat(seen.headers().toString()).doesNotContain(SluiceExtension.CLIENT_KEY);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = DIALECTS)
    void streamedEventsArriveInOrderAndAddUpToTheWholeResponse(
            String model, String upstreamPath, String upstreamModel) {
        List<ResponseStreamEvent> events = stream(params(model).build());

        assertThat(events.get(0).isCreated()).as(events.get(0).toString()).isTrue();
        assertThat(events.get(1).isInProgress()).isTrue();
        assertThat(events.get(events.size() - 1).isCompleted())
                .as(events.get(events.size() - 1).toString())
                .isTrue();
        assertThat(events.stream().filter(e -> e.isCompleted() || e.isFailed() || e.isError() || e.isIncomplete()))
                .as("one terminal event")
                .hasSize(1);
        assertThat(sequenceNumbers(events))
                .as("sequence_number counts up from 0")
                .isEqualTo(java.util.stream.LongStream.range(0, events.size())
                        .boxed()
                        .toList());

        String deltas = events.stream()
                .filter(ResponseStreamEvent::isOutputTextDelta)
                .map(e -> e.asOutputTextDelta().delta())
                .collect(Collectors.joining());
        assertThat(events.stream().filter(ResponseStreamEvent::isOutputTextDelta))
                .hasSize(DELTAS);
        Response done = events.get(events.size() - 1).asCompleted().response();
        assertThat(done.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(done)).isNotBlank().isEqualTo(deltas);
        assertThat(events.stream()
                        .filter(ResponseStreamEvent::isOutputTextDone)
                        .map(e -> e.asOutputTextDone().text()))
                .containsExactly(deltas);
        assertThat(done.id()).isEqualTo(events.get(0).asCreated().response().id());
        assertThat(done.model().asString()).isEqualTo(upstreamModel);
        assertThat(done.usage().orElseThrow().inputTokens()).isPositive();
        assertThat(done.usage().orElseThrow().outputTokens()).isEqualTo(DELTAS);

        assertThat(deltas)
                .as("the streamed text is the whole answer's")
                .isEqualTo(text(client.responses().create(params(model).build())));
        assertThat(lastTo(upstreamPath).body()).contains(upstreamModel);
    }

    /**
     * Every streamed event, of a text answer, a function call and an answer cut at its token limit, has every
     * field the SDK's types require ({@code validate()}: what any accessor of a missing field throws).
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = DIALECTS)
    void everyStreamedEventHasTheFieldsTheSdkRequires(String model, String upstreamPath, String upstreamModel) {
        List<ResponseStreamEvent> events = new ArrayList<>(stream(params(model).build()));
        events.addAll(stream(params(model)
                .input("What is the weather in Paris?")
                .addTool(weather())
                .build()));
        events.addAll(stream(params(model).maxOutputTokens(5).build()));
        List<String> invalid = new ArrayList<>();
        for (ResponseStreamEvent e : events) {
            try {
                e.validate();
            } catch (OpenAIInvalidDataException x) {
                String type =
                        ObjectMappers.jsonMapper().valueToTree(e).path("type").asText();
                String problem = type + ": " + x.getMessage();
                if (!invalid.contains(problem)) invalid.add(problem);
            }
        }
        assertThat(invalid).as("events the SDK finds invalid").isEmpty();
    }

    private static FunctionTool weather() {
        return FunctionTool.builder()
                .name("get_weather")
                .description("Weather for a city")
                .strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = DIALECTS)
    void completesAFunctionToolRoundTrip(String model, String upstreamPath, String upstreamModel) {
        FunctionTool weather = weather();
        ResponseInputItem question = ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER)
                .content("What is the weather in Paris?")
                .build());

        Response called = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(model)
                        .maxOutputTokens(256)
                        .addTool(weather)
                        .inputOfResponse(List.of(question))
                        .build());
        called.validate();
        assertThat(called.status()).contains(ResponseStatus.COMPLETED);
        List<ResponseFunctionToolCall> calls = called.output().stream()
                .filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall)
                .toList();
        assertThat(calls).as(called.toString()).hasSize(1);
        ResponseFunctionToolCall call = calls.get(0);
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"sluice\"}");
        assertThat(call.callId()).isNotBlank();

        // the same turn streamed: the SDK's accumulator builds the same call from the argument deltas
        ResponseAccumulator acc = ResponseAccumulator.create();
        List<ResponseStreamEvent> events = stream(ResponseCreateParams.builder()
                .model(model)
                .maxOutputTokens(256)
                .addTool(weather)
                .inputOfResponse(List.of(question))
                .build());
        events.forEach(acc::accumulate);
        assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
        assertThat(events.stream()
                        .filter(ResponseStreamEvent::isFunctionCallArgumentsDone)
                        .map(e -> e.asFunctionCallArgumentsDone().arguments()))
                .containsExactly(call.arguments());
        ResponseFunctionToolCall streamedCall = acc.response().output().stream()
                .filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall)
                .findFirst()
                .orElseThrow();
        assertThat(streamedCall.name()).isEqualTo("get_weather");
        assertThat(streamedCall.arguments()).isEqualTo(call.arguments());

        Response answer = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(model)
                        .maxOutputTokens(256)
                        .addTool(weather)
                        .inputOfResponse(List.of(
                                question,
                                ResponseInputItem.ofFunctionCall(call),
                                ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                        .callId(call.callId())
                                        .output("sunny, 21 C")
                                        .build())))
                        .build());
        answer.validate();
        assertThat(answer.status()).contains(ResponseStatus.COMPLETED);
        assertThat(answer.output()).allMatch(ResponseOutputItem::isMessage);
        assertThat(text(answer)).startsWith("Tool result: sunny, 21 C.");
        RecordedRequest sent = lastTo(upstreamPath);
        assertThat(sent.body()).contains("sunny, 21 C");
        if (!upstreamPath.equals("/api/chat")) {
            assertThat(sent.body()).as("the call id found its way back").contains(call.callId());
        } // Ollama has no call ids: it matches the result to the call by tool name
        else assertThat(sent.body()).contains("\"tool_name\":\"get_weather\"");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = DIALECTS)
    void stopsIncompleteAtTheOutputTokenLimit(String model, String upstreamPath, String upstreamModel) {
        // the fake stops at the request's token limit (max_tokens): 16 tokens of a 12-word answer would all fit
        int limit = 5;
        Response whole =
                client.responses().create(params(model).maxOutputTokens(limit).build());
        whole.validate();
        assertThat(whole.status()).contains(ResponseStatus.INCOMPLETE);
        assertThat(whole.incompleteDetails().orElseThrow().reason())
                .contains(Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS);
        assertThat(whole.usage().orElseThrow().outputTokens()).isEqualTo(limit);
        assertThat(text(whole)).isNotBlank();
        assertThat(whole.maxOutputTokens()).contains((long) limit);

        List<ResponseStreamEvent> events =
                stream(params(model).maxOutputTokens(limit).build());
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isIncomplete()).as(last.toString()).isTrue();
        Response streamed = last.asIncomplete().response();
        assertThat(streamed.status()).contains(ResponseStatus.INCOMPLETE);
        assertThat(streamed.incompleteDetails().orElseThrow().reason())
                .contains(Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS);
        assertThat(text(streamed)).isEqualTo(text(whole));
        assertThat(lastTo(upstreamPath).body()).contains(upstreamModel);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anUnknownModelIsTheSdksNotFoundException(boolean streamed) {
        ResponseCreateParams p = params("no-such-model").build();
        assertThatThrownBy(() -> {
                    if (streamed) stream(p);
                    else client.responses().create(p);
                })
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("no route for model no-such-model");
                });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"via-anthropic", "via-openai", "via-ollama"})
    void aWebSearchToolIsTheSdksBadRequestNamingIt(String model) {
        int before = FAKE.provider().recentRequests().size();
        assertThatThrownBy(() -> client.responses()
                        .create(params(model)
                                .addTool(WebSearchTool.builder()
                                        .type(WebSearchTool.Type.WEB_SEARCH)
                                        .build())
                                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("web_search");
                });
        assertThat(FAKE.provider().recentRequests()).as("nothing sent upstream").hasSize(before);
    }

    private static List<ResponseStreamEvent> stream(ResponseCreateParams p) {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(p)) {
            s.stream().forEach(events::add);
        }
        return events;
    }

    private static List<Long> sequenceNumbers(List<ResponseStreamEvent> events) {
        return events.stream()
                .map(e -> ObjectMappers.jsonMapper()
                        .valueToTree(e)
                        .path("sequence_number")
                        .asLong(-1))
                .toList();
    }

    private static String text(Response r) {
        return r.output().stream()
                .filter(ResponseOutputItem::isMessage)
                .flatMap(i -> i.asMessage().content().stream())
                .filter(c -> c.isOutputText())
                .map(c -> c.asOutputText().text())
                .collect(Collectors.joining());
    }

    private static RecordedRequest lastTo(String path) {
        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        for (int i = seen.size() - 1; i >= 0; i--) {
            if (seen.get(i).path().equals(path)) return seen.get(i);
        }
        throw new AssertionError("nothing sent to " + path + ": " + seen);
    }
}
