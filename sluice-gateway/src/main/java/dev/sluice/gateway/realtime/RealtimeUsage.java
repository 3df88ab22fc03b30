package dev.sluice.gateway.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.translate.Usage;
import java.io.IOException;

/**
 * A session's usage, summed over the upstream's {@code response.done} events: {@code usage.input_tokens}
 * (text and audio; {@code input_token_details.cached_tokens} of them counted as cache reads) and
 * {@code output_tokens}. Other events are not parsed: the check for the type is a substring test first.
 */
final class RealtimeUsage {

    private RealtimeUsage() {}

    static Usage add(Usage sum, String event) {
        if (!event.contains("\"response.done\"")) {
            return sum;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(event);
            if (!"response.done".equals(root.path("type").asText())) {
                return sum;
            }
            JsonNode u = root.path("response").path("usage");
            long cached = u.path("input_token_details").path("cached_tokens").asLong(0);
            long input = u.path("input_tokens").asLong(0);
            return new Usage(
                    sum.inputTokens() + Math.max(0, input - cached),
                    sum.outputTokens() + u.path("output_tokens").asLong(0),
                    sum.cacheReadTokens() + cached,
                    sum.cacheWriteTokens());
        } catch (IOException | RuntimeException notJson) {
            return sum; // relayed as it is; only the count misses it
        }
    }
}
