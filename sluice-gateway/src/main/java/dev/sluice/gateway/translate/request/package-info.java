/**
 * Request mappings, client dialect to upstream dialect through the hub: OpenAI Chat Completions to
 * Anthropic Messages ({@link dev.sluice.gateway.translate.request.OpenAiRequestToAnthropic}), Anthropic
 * Messages to OpenAI ({@link dev.sluice.gateway.translate.request.AnthropicRequestToOpenAi}) and to Ollama
 * ({@link dev.sluice.gateway.translate.request.AnthropicRequestToOllama}), and OpenAI Responses to Chat
 * Completions first ({@link dev.sluice.gateway.translate.request.ResponsesRequests}). Message, content
 * and image details are package-private.
 *
 * <p>Internal to {@code dev.sluice.gateway.translate}: other packages call
 * {@link dev.sluice.gateway.translate.Translate} and {@link dev.sluice.gateway.translate.Exchanges}
 * (ArchitectureTest holds this).
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.translate.request;

import org.jspecify.annotations.NullMarked;
