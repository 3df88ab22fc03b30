package dev.sluice.gateway.translate;

import dev.sluice.gateway.provider.SseEvent;
import java.time.InstantSource;

/**
 * Translates one streamed answer, frame by frame, from the upstream's dialect to the client's.
 * Not thread-safe: one per stream, fed from one thread. Tool-call arguments are passed on as
 * they arrive, never buffered; the only delay is OpenAI upstream -> Anthropic client, where
 * {@code message_delta} and {@code message_stop} wait for {@code [DONE]} so that they carry the
 * real usage of the final usage chunk ({@code message_start} then says 0 input tokens and
 * {@code message_delta.usage} carries input_tokens too).
 *
 * <p>Same-dialect translators pass frames through byte for byte ({@link SseEvent#toWire()}) and
 * still parse them to track completion, in-band errors, usage and malformed data.
 */
public interface StreamTranslator {

    /**
     * One upstream frame (an SSE event; for Ollama NDJSON {@code new SseEvent("message", line)}), and
     * the complete wire bytes to write to the client for it, possibly none. Frames after the stream
     * completed or failed return none.
     *
     * @throws TranslationException on a malformed frame or an event out of order for the upstream
     *     dialect's state machine
     */
    byte[] onFrame(SseEvent frame) throws TranslationException;

    /** Whether the upstream's terminator was seen and the client's terminator has been emitted. */
    boolean complete();

    /** Whether the upstream sent its own in-band error, already translated by {@link #onFrame}. */
    boolean failed();

    /**
     * An in-band error in the client's dialect, for failures after the first byte. No OpenAI
     * {@code [DONE]} follows it: a failed stream must not look complete.
     */
    byte[] errorFrame(String anthropicErrorType, String message);

    /** The real usage seen so far; never invented. */
    Usage usage();

    /**
     * A translator for one stream.
     *
     * @param client {@link Dialect#ANTHROPIC} or {@link Dialect#OPENAI}
     * @param clientModel the model name the client asked for, put in translated frames
     * @param includeUsage the OpenAI client's {@code stream_options.include_usage}: end with a usage chunk
     */
    static StreamTranslator of(Dialect upstream, Dialect client, String clientModel, boolean includeUsage) {
        return Streams.translator(upstream, client, clientModel, includeUsage, InstantSource.system());
    }
}
