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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official Anthropic Java SDK, unmodified, talks to the fake provider through Sluice. */
@LeakChecked
class AnthropicSdkThroughSluiceTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create();

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(FAKE);

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

    private static MessageCreateParams.Builder params() {
        return MessageCreateParams.builder().model("fake-model").maxTokens(64).addUserMessage("hello there");
    }

    @Test
    void createsAMessageThroughSluice() {
        Message message = client.messages().create(params().build());

        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        String text = message.content().get(0).text().orElseThrow().text();
        assertThat(text).isNotBlank();
        assertThat(message.usage().outputTokens()).isPositive();
    }

    @Test
    void streamsAMessageWhoseTextEqualsTheNonStreamedOne() {
        String expected = client.messages()
                .create(params().build())
                .content()
                .get(0)
                .text()
                .orElseThrow()
                .text();

        MessageAccumulator acc = MessageAccumulator.create();
        int events = 0;
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params().build())) {
            for (RawMessageStreamEvent e : (Iterable<RawMessageStreamEvent>) stream.stream()::iterator) {
                acc.accumulate(e);
                events++;
            }
        }
        Message streamed = acc.message();
        assertThat(events).isGreaterThan(5);
        assertThat(streamed.content().get(0).text().orElseThrow().text()).isEqualTo(expected);
        assertThat(streamed.stopReason()).contains(StopReason.END_TURN);
    }

    @Test
    void completesAToolUseRoundTripStreaming() {
        Tool weather = Tool.builder()
                .name("get_weather")
                .description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .required(List.of("city"))
                        .build())
                .build();
        MessageCreateParams first = params().addTool(weather).build();

        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(first)) {
            stream.stream().forEach(acc::accumulate);
        }
        Message toolTurn = acc.message();
        assertThat(toolTurn.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = toolTurn.content().stream()
                .filter(ContentBlock::isToolUse)
                .map(b -> b.toolUse().orElseThrow())
                .findFirst()
                .orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().toString()).contains("sluice");

        MessageCreateParams second = params().addTool(weather)
                .addMessage(toolTurn.toParam())
                .addUserMessageOfContentBlockParams(
                        List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                .toolUseId(use.id())
                                .content("sunny, 21 C")
                                .build())))
                .build();
        Message answer = client.messages().create(second);

        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        assertThat(answer.content().get(0).text().orElseThrow().text()).contains("sunny, 21 C");
    }

    @Test
    void sendsSluicesUpstreamKeyAndNeverTheClientsKey() {
        client.messages().create(params().build());

        RecordedRequest seen = FAKE.provider()
                .recentRequests()
                .get(FAKE.provider().recentRequests().size() - 1);
        assertThat(seen.headers().get("x-api-key")).containsExactly(SluiceExtension.UPSTREAM_KEY);
        assertThat(seen.headers().toString()).doesNotContain(SluiceExtension.CLIENT_KEY);
        assertThat(seen.headers()).doesNotContainKey("authorization");
    }
}
