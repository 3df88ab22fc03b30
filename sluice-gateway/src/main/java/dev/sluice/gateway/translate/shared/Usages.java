package dev.sluice.gateway.translate.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.Usage;

/** Usage objects of each dialect, read and written. */
public final class Usages {

    private Usages() {}

    /** Anthropic {@code usage}: input_tokens excludes cache reads and writes. */
    public static Usage fromAnthropic(JsonNode usage) {
        if (usage == null || !usage.isObject()) return Usage.NONE;
        return new Usage(
                usage.path("input_tokens").asLong(0),
                usage.path("output_tokens").asLong(0),
                usage.path("cache_read_input_tokens").asLong(0),
                usage.path("cache_creation_input_tokens").asLong(0));
    }

    /** OpenAI {@code usage}: prompt_tokens includes prompt_tokens_details.cached_tokens. */
    public static Usage fromOpenAi(JsonNode usage) {
        if (usage == null || !usage.isObject()) return Usage.NONE;
        long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        long prompt = usage.path("prompt_tokens").asLong(0);
        return new Usage(
                Math.max(0, prompt - cached), usage.path("completion_tokens").asLong(0), cached, 0);
    }

    /** Ollama's final object: prompt_eval_count and eval_count. */
    public static Usage fromOllama(JsonNode response) {
        if (!response.has("prompt_eval_count") && !response.has("eval_count")) return Usage.NONE;
        return new Usage(
                response.path("prompt_eval_count").asLong(0),
                response.path("eval_count").asLong(0),
                0,
                0);
    }

    /** Responses {@code usage}: input_tokens includes input_tokens_details.cached_tokens. */
    public static Usage fromResponses(JsonNode usage) {
        if (usage == null || !usage.isObject()) return Usage.NONE;
        long cached = usage.path("input_tokens_details").path("cached_tokens").asLong(0);
        return new Usage(
                Math.max(0, usage.path("input_tokens").asLong(0) - cached),
                usage.path("output_tokens").asLong(0),
                cached,
                0);
    }

    /** Responses usage; like OpenAI's, cache writes count as uncached input. */
    public static ObjectNode toResponses(Usage usage) {
        ObjectNode node = Json.object();
        node.put("input_tokens", promptTokens(usage));
        node.putObject("input_tokens_details").put("cached_tokens", usage.cacheReadTokens());
        node.put("output_tokens", usage.outputTokens());
        node.putObject("output_tokens_details").put("reasoning_tokens", 0);
        node.put("total_tokens", promptTokens(usage) + usage.outputTokens());
        return node;
    }

    public static ObjectNode toAnthropic(Usage usage) {
        ObjectNode node = Json.object();
        node.put("input_tokens", usage.inputTokens());
        node.put("output_tokens", usage.outputTokens());
        node.put("cache_read_input_tokens", usage.cacheReadTokens());
        node.put("cache_creation_input_tokens", usage.cacheWriteTokens());
        return node;
    }

    /** OpenAI usage; cache writes count as (uncached) prompt tokens, OpenAI has no field for them. */
    public static ObjectNode toOpenAi(Usage usage) {
        ObjectNode node = Json.object();
        node.put("prompt_tokens", promptTokens(usage));
        node.put("completion_tokens", usage.outputTokens());
        node.put("total_tokens", promptTokens(usage) + usage.outputTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", usage.cacheReadTokens());
        return node;
    }

    /** {@code base} with every field {@code update} carries replaced (message_delta usage is cumulative). */
    public static Usage merge(Usage base, JsonNode update) {
        if (update == null || !update.isObject()) return base;
        return new Usage(
                number(update, "input_tokens", base.inputTokens()),
                number(update, "output_tokens", base.outputTokens()),
                number(update, "cache_read_input_tokens", base.cacheReadTokens()),
                number(update, "cache_creation_input_tokens", base.cacheWriteTokens()));
    }

    /** All input tokens, cached or not: OpenAI's {@code prompt_tokens}. */
    private static long promptTokens(Usage usage) {
        return usage.inputTokens() + usage.cacheReadTokens() + usage.cacheWriteTokens();
    }

    private static long number(JsonNode node, String name, long otherwise) {
        JsonNode value = node.path(name);
        return value.isNumber() ? value.asLong() : otherwise;
    }
}
