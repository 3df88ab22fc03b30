package dev.sluice.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.answer.Answers;
import dev.sluice.gateway.translate.request.AnthropicRequestToOllama;
import dev.sluice.gateway.translate.request.AnthropicRequestToOpenAi;
import dev.sluice.gateway.translate.request.OpenAiRequestToAnthropic;
import dev.sluice.gateway.translate.request.Prefills;
import dev.sluice.gateway.translate.request.ResponsesRequests;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.Usages;
import java.time.InstantSource;

/**
 * Request and non-streaming response translation between the dialects; the Anthropic Messages API
 * is the hub. Pure functions over Jackson trees: inputs are never modified. A request's
 * {@code model} is copied as is (the caller replaces it with the upstream model); a response's
 * {@code model} names the model that answered: the upstream answer's own, else the
 * {@code targetModel} given. Nothing the client did not send is added, with
 * one exception: an OpenAI request without a token limit gets Anthropic's required
 * {@code max_tokens} of {@value dev.sluice.gateway.translate.request.OpenAiRequestToAnthropic#DEFAULT_MAX_TOKENS}.
 *
 * <p>When client and upstream speak the same dialect there is no translation at all: Anthropic
 * thinking blocks with their {@code signature} reach an Anthropic upstream untouched. Translated to
 * OpenAI or Ollama, history thinking and redacted_thinking blocks are dropped. Error tool results
 * reach OpenAI and Ollama prefixed {@code "Error: "} (see {@link AnthropicRequestToOpenAi}).
 */
public final class Translate {

    /** The gateway's one JSON mapper, with read constraints so hostile input cannot take the heap. */
    public static com.fasterxml.jackson.databind.ObjectMapper mapper() {
        return Json.MAPPER;
    }

    private Translate() {}

    /** An OpenAI Chat Completions request as an Anthropic Messages request; see {@link OpenAiRequestToAnthropic}. */
    public static ObjectNode openAiRequestToAnthropic(JsonNode openAiChatRequest) throws TranslationException {
        return OpenAiRequestToAnthropic.translate(openAiChatRequest);
    }

    /** An Anthropic Messages request as an OpenAI Chat Completions request; see {@link AnthropicRequestToOpenAi}. */
    public static ObjectNode anthropicRequestToOpenAi(JsonNode anthropicRequest) throws TranslationException {
        return AnthropicRequestToOpenAi.translate(anthropicRequest);
    }

    /** An Anthropic Messages request as an Ollama chat request; see {@link AnthropicRequestToOllama}. */
    public static ObjectNode anthropicRequestToOllama(JsonNode anthropicRequest) throws TranslationException {
        return AnthropicRequestToOllama.translate(anthropicRequest);
    }

    /** An OpenAI {@code chat.completion} as an Anthropic {@code message}. */
    public static ObjectNode openAiResponseToAnthropic(JsonNode openAiCompletion, String targetModel)
            throws TranslationException {
        return Answers.openAiToAnthropic(openAiCompletion, targetModel);
    }

    /** An Ollama {@code /api/chat} answer ({@code stream: false}) as an Anthropic {@code message}. */
    public static ObjectNode ollamaResponseToAnthropic(JsonNode ollamaChatResponse, String targetModel)
            throws TranslationException {
        return Answers.ollamaToAnthropic(ollamaChatResponse, targetModel);
    }

    /** A Responses request as a Chat Completions request (see {@link ResponsesRequests}). */
    public static ObjectNode responsesRequestToChat(JsonNode responsesRequest) throws TranslationException {
        return ResponsesRequests.toChat(responsesRequest);
    }

    /**
     * A Responses request without the tools a translation cannot carry (all but function tools), for
     * {@code responses.omit-unsupported-tools}; the request itself when it has none.
     */
    public static JsonNode responsesWithFunctionToolsOnly(JsonNode responsesRequest) {
        return ResponsesRequests.withFunctionToolsOnly(responsesRequest);
    }

    /** The client's request asking to continue {@code text}, an answer delivered in part (see {@link Prefills}). */
    public static JsonNode withPrefill(Dialect client, JsonNode request, String text) {
        return Prefills.withPrefill(client, request, text);
    }

    /** An OpenAI chat request that continues its final assistant turn (see {@link Prefills}). */
    public static byte[] continueFinalMessage(byte[] openAiRequest) throws TranslationException {
        return Prefills.continueFinalMessage(openAiRequest);
    }

    /** An Anthropic {@code message} as an OpenAI {@code chat.completion} ({@code created} is now). */
    public static ObjectNode anthropicResponseToOpenAi(JsonNode anthropicMessage, String targetModel)
            throws TranslationException {
        return Answers.anthropicToOpenAi(anthropicMessage, targetModel, InstantSource.system());
    }

    /** The usage a non-streaming answer in {@code dialect} reports; {@link Usage#NONE} when absent. */
    public static Usage usageOf(Dialect dialect, JsonNode nonStreamingResponse) {
        return switch (dialect) {
            case ANTHROPIC -> Usages.fromAnthropic(nonStreamingResponse.get("usage"));
            case OPENAI -> Usages.fromOpenAi(nonStreamingResponse.get("usage"));
            case RESPONSES -> Usages.fromResponses(nonStreamingResponse.get("usage"));
            case OLLAMA -> Usages.fromOllama(nonStreamingResponse);
        };
    }
}
