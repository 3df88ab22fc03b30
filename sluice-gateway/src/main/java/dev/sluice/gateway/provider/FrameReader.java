package dev.sluice.gateway.provider;

import java.io.IOException;
import java.util.Optional;

/** Reads an upstream's streamed answer frame by frame: SSE events, or NDJSON lines as {@code message} events. */
public interface FrameReader {

    /**
     * Bytes a reader takes from the upstream per read. Every open stream holds such a buffer while it
     * waits for the next frame, so it is small: 2 KiB instead of 8 saves 6 KiB per parked stream
     * (docs/benchmarks.md).
     */
    int READ_CHUNK = 2048;

    /** The next frame, or empty at the end of the stream. */
    Optional<SseEvent> next() throws IOException;
}
