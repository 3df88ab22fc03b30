package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official OpenAI Java SDK, unmodified, streams through Sluice to an Anthropic-dialect upstream:
 * the request is translated to Messages and the answer back to Chat Completions chunks.
 */
@LeakChecked
class OpenAiSdkThroughSluiceTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(12));

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
            "routes.gpt-4o.targets",
            "claude:claude-fake-1");

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

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder()
                .model("gpt-4o")
                .maxCompletionTokens(64)
                .addUserMessage("hello there");
    }

    @Test
    void streamsAChatCompletionWithRealUsageFromAnAnthropicUpstream() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        int chunks = 0;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(params().streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            for (ChatCompletionChunk c : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                acc.accumulate(c);
                chunks++;
            }
        }
        ChatCompletion done = acc.chatCompletion();
        assertThat(chunks).isGreaterThan(5);
        assertThat(done.choices().get(0).message().content().orElseThrow()).isNotBlank();
        assertThat(done.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(done.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(done.usage().orElseThrow().completionTokens()).isPositive();

        RecordedRequest seen = last();
        assertThat(seen.path()).isEqualTo("/v1/messages");
        assertThat(seen.body()).contains("\"model\":\"claude-fake-1\"").contains("\"max_tokens\":64");
        assertThat(seen.headers().get("x-api-key")).containsExactly(SluiceExtension.UPSTREAM_KEY);
        assertThat(seen.headers().toString()).doesNotContain(SluiceExtension.CLIENT_KEY);
    }

    @Test
    void nonStreamedAnswerEqualsTheStreamedText() {
        String streamed;
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(params().build())) {
            stream.stream().forEach(acc::accumulate);
        }
        streamed = acc.chatCompletion().choices().get(0).message().content().orElseThrow();

        ChatCompletion whole = client.chat().completions().create(params().build());

        assertThat(whole.choices().get(0).message().content().orElseThrow()).isEqualTo(streamed);
        assertThat(whole.model())
                .as("the model that answered, not the route's name")
                .isEqualTo("claude-fake-1");
        assertThat(whole.usage().orElseThrow().completionTokens()).isPositive();
    }

    @Test
    void completesAToolCallRoundTripStreaming() {
        ChatCompletionTool weather = ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Weather for a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty(
                                        "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .build())
                        .build())
                .build());
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(params().tools(List.of(weather)).build())) {
            stream.stream().forEach(acc::accumulate);
        }
        ChatCompletion toolTurn = acc.chatCompletion();
        assertThat(toolTurn.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = toolTurn.choices()
                .get(0)
                .message()
                .toolCalls()
                .orElseThrow()
                .get(0)
                .asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).contains("sluice");
        assertThat(call.id()).isNotBlank();

        ChatCompletion answer = client.chat()
                .completions()
                .create(params().tools(List.of(weather))
                        .addMessage(toolTurn.choices().get(0).message())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId(call.id())
                                .content("sunny, 21 C")
                                .build())
                        .build());

        assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.choices().get(0).message().content().orElseThrow()).contains("sunny, 21 C");
        assertThat(last().body()).contains("\"tool_result\"").contains("\"tool_use_id\":\"" + call.id() + "\"");
    }

    private static RecordedRequest last() {
        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        return seen.get(seen.size() - 1);
    }
}
