package dev.sluice.gateway.provider;

import java.io.IOException;
import java.util.Optional;

/** Reads an upstream's streamed answer frame by frame: SSE events, or NDJSON lines as {@code message} events. */
public interface FrameReader {

    /** The next frame, or empty at the end of the stream. */
    Optional<SseEvent> next() throws IOException;
}
