package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The official Anthropic Java SDK (what Claude Code speaks) streams through Sluice to an
 * OpenAI-dialect upstream and to an Ollama-dialect upstream, tool round trip and usage included.
 */
@LeakChecked
class AnthropicSdkToOtherDialectsTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(10));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
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
            "routes.sonnet-via-openai.targets",
            "oai:gpt-fake",
            "routes.sonnet-via-ollama.targets",
            "local:llama-fake:3b");

    private static AnthropicClient client;

    @BeforeAll
    static void client() {
        client = AnthropicOkHttpClient.builder()
                .baseUrl(SLUICE.baseUri().toString())
                .apiKey(SluiceExtension.CLIENT_KEY)
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    private static MessageCreateParams.Builder params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("hello there");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"sonnet-via-openai, /v1/chat/completions, gpt-fake", "sonnet-via-ollama, /api/chat, llama-fake:3b"})
    void streamsWithRealUsageAndTheSameTextAsTheWholeAnswer(String model, String upstreamPath, String upstreamModel) {
        Message streamed = stream(params(model).build());

        assertThat(streamed.stopReason()).contains(StopReason.END_TURN);
        assertThat(streamed.model().asString()).as("the model that answered").isEqualTo(upstreamModel);
        assertThat(streamed.usage().inputTokens()).isPositive();
        assertThat(streamed.usage().outputTokens()).isPositive();
        RecordedRequest seen = last();
        assertThat(seen.path()).isEqualTo(upstreamPath);
        assertThat(seen.body()).contains("\"model\":\"" + upstreamModel + "\"");
        assertThat(seen.headers().toString()).doesNotContain(SluiceExtension.CLIENT_KEY);

        Message whole = client.messages().create(params(model).build());
        assertThat(whole.content().get(0).text().orElseThrow().text())
                .isEqualTo(streamed.content().get(0).text().orElseThrow().text());
        assertThat(whole.model().asString()).isEqualTo(upstreamModel);
        assertThat(whole.usage().inputTokens()).isEqualTo(streamed.usage().inputTokens());
        assertThat(whole.usage().outputTokens()).isEqualTo(streamed.usage().outputTokens());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sonnet-via-openai", "sonnet-via-ollama"})
    void completesAToolUseRoundTripStreaming(String model) {
        Tool weather = Tool.builder()
                .name("get_weather")
                .description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .required(List.of("city"))
                        .build())
                .build();
        Message toolTurn = stream(params(model).addTool(weather).build());

        assertThat(toolTurn.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = toolTurn.content().stream()
                .filter(ContentBlock::isToolUse)
                .map(b -> b.toolUse().orElseThrow())
                .findFirst()
                .orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().toString()).contains("sluice");
        assertThat(use.id()).isNotBlank();

        MessageCreateParams second = params(model)
                .addTool(weather)
                .addMessage(toolTurn.toParam())
                .addUserMessageOfContentBlockParams(
                        List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                .toolUseId(use.id())
                                .content("sunny, 21 C")
                                .build())))
                .build();
        Message answer = stream(second);

        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        assertThat(answer.content().get(0).text().orElseThrow().text()).contains("sunny, 21 C");
        assertThat(answer.usage().outputTokens()).isPositive();
    }

    private static Message stream(MessageCreateParams params) {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(acc::accumulate);
        }
        return acc.message();
    }

    private static RecordedRequest last() {
        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        return seen.get(seen.size() - 1);
    }
}
