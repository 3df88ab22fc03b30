package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Json;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Wiring: an upstream reader feeding Anthropic events to a client sink, behind
 * {@link StreamTranslator} (which is how every package outside translate gets one).
 */
public final class Streams {
    private static final byte[] NOTHING = new byte[0];

    private Streams() {}

    /** Reads one upstream frame and feeds what it means to a sink. */
    interface UpstreamReader {
        void read(SseEvent frame) throws TranslationException;

        /** Whether the upstream's finish signal (its stop reason) was seen; its terminator may still follow. */
        boolean finishSeen();

        /** Whether the frame just read only carried usage (OpenAI's {@code include_usage} chunk, no choices). */
        default boolean usageOnly() {
            return false;
        }
    }

    static StreamTranslator translator(
            Dialect upstream, Dialect client, String targetModel, boolean includeUsage, InstantSource clock) {
        return translator(upstream, client, targetModel, includeUsage, Json.object(), clock);
    }

    /** The translator {@link StreamTranslator#of} describes, on {@code clock}. */
    public static StreamTranslator translator(
            Dialect upstream,
            Dialect client,
            String targetModel,
            boolean includeUsage,
            JsonNode clientRequest,
            InstantSource clock) {
        boolean passThrough = upstream == client;
        ClientSink sink = switch (client) {
            case ANTHROPIC -> new AnthropicClientSink(passThrough);
            case OPENAI -> new OpenAiClientSink(passThrough, targetModel, includeUsage, clock);
            case RESPONSES -> new ResponsesClientSink(passThrough, clientRequest, targetModel, clock);
            case OLLAMA -> throw new IllegalArgumentException("client dialect must be ANTHROPIC, OPENAI or RESPONSES");
        };
        boolean dropUsageChunk = passThrough && client == Dialect.OPENAI && !includeUsage;
        return new Translator(upstream, reader(upstream, sink, targetModel), sink, passThrough, dropUsageChunk);
    }

    private static UpstreamReader reader(Dialect upstream, ClientSink sink, String targetModel) {
        return switch (upstream) {
            case ANTHROPIC -> new AnthropicUpstreamReader(sink);
            case OPENAI -> new OpenAiUpstreamReader(sink, new AnthropicEventWriter(sink, targetModel));
            case OLLAMA -> new OllamaUpstreamReader(sink, new AnthropicEventWriter(sink, targetModel));
            case RESPONSES -> new ResponsesUpstreamReader(sink); // only ever passed through to a Responses client
        };
    }

    private static final class Translator implements StreamTranslator {
        private static final SseEvent MESSAGE_STOP = new SseEvent("message_stop", "{\"type\":\"message_stop\"}");
        private static final SseEvent DONE = new SseEvent("message", "[DONE]");

        private final Dialect upstream;
        private final UpstreamReader reader;
        private final ClientSink sink;
        private final boolean passThrough;
        /** An OpenAI client that did not ask for usage: the usage chunk Sluice asked for is read, not sent. */
        private final boolean dropUsageChunk;

        Translator(
                Dialect upstream, UpstreamReader reader, ClientSink sink, boolean passThrough, boolean dropUsageChunk) {
            this.upstream = upstream;
            this.reader = reader;
            this.sink = sink;
            this.passThrough = passThrough;
            this.dropUsageChunk = dropUsageChunk;
        }

        @Override
        public byte[] onFrame(SseEvent frame) throws TranslationException {
            if (sink.complete() || sink.failed()) return NOTHING;
            reader.read(frame);
            if (!passThrough) {
                return sink.drain().getBytes(StandardCharsets.UTF_8);
            }
            return dropUsageChunk && reader.usageOnly() ? NOTHING : frame.toWire();
        }

        @Override
        public boolean complete() {
            return sink.complete();
        }

        @Override
        public boolean finishSeen() {
            return reader.finishSeen();
        }

        /** Feeds the upstream's own terminator, as if it had sent it, so every translation path stays the one tested. */
        @Override
        public byte[] closingFrames() {
            if (sink.complete() || sink.failed() || !reader.finishSeen()) return NOTHING;
            SseEvent terminator = switch (upstream) {
                case ANTHROPIC -> MESSAGE_STOP;
                case OPENAI -> DONE;
                case OLLAMA, RESPONSES -> throw new IllegalStateException("the finish is this dialect's terminator");
            };
            try {
                return onFrame(terminator);
            } catch (TranslationException e) {
                throw new IllegalStateException("a terminator after the finish signal was refused", e);
            }
        }

        @Override
        public boolean failed() {
            return sink.failed();
        }

        @Override
        public byte[] errorFrame(String anthropicErrorType, String message) {
            return sink.errorFrame(ErrorMapping.ofAnthropic(anthropicErrorType, message))
                    .getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Usage usage() {
            return sink.usage();
        }

        @Override
        public void keepDeliveredText() {
            sink.keepDeliveredText();
        }

        @Override
        public boolean contentDelivered() {
            // a native Responses stream is passed through untracked: whatever it sends counts as content
            return upstream == Dialect.RESPONSES || sink.delivered().content();
        }

        @Override
        public Optional<String> continuable() {
            if (sink.complete() || reader.finishSeen() || upstream == Dialect.RESPONSES) {
                return Optional.empty();
            }
            return Optional.ofNullable(sink.delivered().continuable());
        }

        @Override
        public StreamTranslator continueOn(Dialect next, String targetModel, boolean trimmedWhitespace) {
            if (next == Dialect.RESPONSES || continuable().isEmpty()) {
                throw new IllegalStateException("this stream cannot be continued on " + next);
            }
            sink.continueAfterBreak(trimmedWhitespace);
            return new Translator(next, reader(next, sink, targetModel), sink, false, false);
        }
    }
}
