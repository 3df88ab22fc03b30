/**
 * Whole (non-streaming) answers coming back through the hub: OpenAI and Ollama answers to Anthropic
 * messages and Anthropic messages to OpenAI ({@link dev.sluice.gateway.translate.answer.Answers}), and to
 * Responses objects ({@link dev.sluice.gateway.translate.answer.ResponsesAnswers}), with the Responses
 * output items and response object shared with streamed Responses answers
 * ({@link dev.sluice.gateway.translate.answer.ResponseItems}, {@link dev.sluice.gateway.translate.answer.ResponseShell}).
 *
 * <p>Internal to {@code dev.sluice.gateway.translate}: other packages call
 * {@link dev.sluice.gateway.translate.Translate} and {@link dev.sluice.gateway.translate.Exchanges}
 * (ArchitectureTest holds this).
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.translate.answer;

import org.jspecify.annotations.NullMarked;
