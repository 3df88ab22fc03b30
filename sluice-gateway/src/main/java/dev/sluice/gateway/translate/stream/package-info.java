/**
 * Streamed answers, frame by frame: an upstream reader (Anthropic, OpenAI, Ollama or native Responses
 * events; {@code AnthropicEventWriter} turns content as it arrives into well-ordered Anthropic events)
 * feeds Anthropic events to a client sink that writes the client's wire form (Anthropic, OpenAI or
 * Responses). {@link dev.sluice.gateway.translate.stream.Streams} wires one of each behind
 * {@link dev.sluice.gateway.translate.StreamTranslator}; everything else here is package-private.
 *
 * <p>Internal to {@code dev.sluice.gateway.translate}: other packages call
 * {@link dev.sluice.gateway.translate.StreamTranslator#of} (ArchitectureTest holds this).
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.translate.stream;

import org.jspecify.annotations.NullMarked;
