package dev.sluice.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.translate.shared.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Request bodies across the same dialect, where nothing may be translated or refused. */
class ExchangesTest {
    private static final String MID_SYSTEM = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":["
            + "{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Note.\","
            + "\"cache_control\":{\"type\":\"ephemeral\"}}]},{\"role\":\"user\",\"content\":\"more\"}]}";

    @Test
    void anthropicMidConversationSystemMessageReachesAnAnthropicUpstreamByteForByte() throws Exception {
        byte[] body = MID_SYSTEM.getBytes(StandardCharsets.UTF_8);
        JsonNode json = Json.MAPPER.readTree(body);
        assertThat(Exchanges.request(Dialect.ANTHROPIC, Dialect.ANTHROPIC, body, json, "claude-sonnet-4-5", false))
                .isSameAs(body);
        JsonNode renamed = Json.MAPPER.readTree(
                Exchanges.request(Dialect.ANTHROPIC, Dialect.ANTHROPIC, body, json, "claude-opus-4-1", false));
        assertThat(renamed.path("model").asText()).isEqualTo("claude-opus-4-1");
        assertThat(renamed.get("messages")).isEqualTo(json.get("messages"));
    }
}
