package dev.sluice.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.stream.Streams;
import java.time.InstantSource;

/**
 * Translates one streamed answer, frame by frame, from the upstream's dialect to the client's.
 * Not thread-safe: one per stream, fed from one thread. Tool-call arguments are passed on as
 * they arrive, never buffered; the only delay is OpenAI upstream -> Anthropic client, where
 * {@code message_delta} and {@code message_stop} wait for {@code [DONE]} (or for a clean end of
 * the body after the finish_reason, see {@link #closingFrames()}) so that they carry the real
 * usage of the final usage chunk ({@code message_start} then says 0 input tokens and
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

    /**
     * Whether the client's terminator has been emitted: the upstream's terminator was seen, or
     * {@link #closingFrames()} stood in for it.
     */
    boolean complete();

    /**
     * Whether the upstream's finish signal was seen: Anthropic {@code message_delta} with a
     * {@code stop_reason}, an OpenAI chunk with a {@code finish_reason}, Ollama {@code done: true}.
     */
    boolean finishSeen();

    /**
     * The client's closing frames for an upstream body that ended cleanly after its finish signal
     * but without its terminator (Anthropic {@code message_stop}, OpenAI {@code [DONE]}): the answer
     * is whole, so the client gets its own end (Anthropic client: {@code message_delta} if not yet
     * sent and {@code message_stop}; OpenAI client: the usage chunk if asked for and
     * {@code [DONE]}), with the usage seen so far, and {@link #complete()} becomes true.
     * None when the finish signal was not seen, or the stream already completed or failed: a stream
     * cut before its finish signal stays incomplete.
     */
    byte[] closingFrames();

    /** Whether the upstream sent its own in-band error, already translated by {@link #onFrame}. */
    boolean failed();

    /**
     * An in-band error in the client's dialect, for failures after the first byte. No OpenAI
     * {@code [DONE]} follows it: a failed stream must not look complete.
     */
    byte[] errorFrame(String anthropicErrorType, String message);

    /** The real usage seen so far; never invented. After a continuation, both attempts' together. */
    Usage usage();

    /** Keeps the text delivered from now on (call before the first frame), so a break can be continued. */
    void keepDeliveredText();

    /** Whether content (a delta of any block) has been translated: before it, nothing of substance was. */
    boolean contentDelivered();

    /**
     * The text delivered so far when the stream broke where it can be continued: the message started,
     * every block was text, the finish signal was not seen, and the text was kept ({@link
     * #keepDeliveredText()}). Empty otherwise: a break in a tool call or thinking block cannot be continued.
     */
    java.util.Optional<String> continuable();

    /**
     * A translator for a continuation of this stream's answer read from {@code upstream} (never
     * {@link Dialect#RESPONSES}): its frames are spliced into what the client has — the same message,
     * block indexes going on, usage adding both attempts. This translator is done with from then on.
     *
     * @param trimmedWhitespace the prefill sent lost trailing whitespace, so the continuation's is dropped
     * @throws IllegalStateException when {@link #continuable()} is empty
     */
    StreamTranslator continueOn(Dialect upstream, String targetModel, boolean trimmedWhitespace);

    /**
     * A translator for one stream.
     *
     * @param client {@link Dialect#ANTHROPIC}, {@link Dialect#OPENAI} or {@link Dialect#RESPONSES}
     * @param targetModel the model the request was sent to, named in translated frames when the
     *     upstream's own frames name none (they name the model that answered, which wins)
     * @param includeUsage the OpenAI client's {@code stream_options.include_usage}: end with a usage chunk
     */
    static StreamTranslator of(Dialect upstream, Dialect client, String targetModel, boolean includeUsage) {
        return of(upstream, client, targetModel, includeUsage, Json.object());
    }

    /**
     * A translator for one stream whose client request is at hand: a Responses client's response object
     * echoes the request's settings (instructions, tools, temperature...).
     *
     * @param clientRequest the request as the client sent it
     */
    static StreamTranslator of(
            Dialect upstream, Dialect client, String targetModel, boolean includeUsage, JsonNode clientRequest) {
        return Streams.translator(upstream, client, targetModel, includeUsage, clientRequest, InstantSource.system());
    }
}
