package dev.sluice.gateway.provider;

import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads an upstream's streamed answer frame by frame: SSE events, or NDJSON lines as {@code message} events. A
 * read can wait for a bounded time and resume later where it stopped (a frame half arrived is kept), so the
 * thread relaying a stream reads the upstream itself between its deadlines and heartbeats.
 */
public interface FrameReader {

    /**
     * Bytes a reader takes from the upstream per read. Every open stream holds such a buffer while it
     * waits for the next frame, so it is small: 2 KiB instead of 8 saves 6 KiB per parked stream
     * (docs/benchmarks.md).
     */
    int READ_CHUNK = 2048;

    /**
     * The next frame; null when none was whole within {@code waitNanos} (a negative wait waits as long as it
     * takes) or the stream ended, which {@link #ended()} tells apart.
     */
    @Nullable
    SseEvent poll(long waitNanos) throws IOException;

    /** Whether the stream ended: no frame follows. */
    boolean ended();

    /** The next frame, waiting as long as it takes; empty at the end of the stream. */
    default Optional<SseEvent> next() throws IOException {
        return Optional.ofNullable(poll(-1));
    }
}
