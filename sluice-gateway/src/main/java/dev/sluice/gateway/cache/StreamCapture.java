package dev.sluice.gateway.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Collects what was written to a client, up to {@code maxBytes}; past it, capturing stops and the
 * answer is not cacheable. Only a completed answer becomes a {@link CachedAnswer}: a failed or cut
 * stream never does.
 */
public final class StreamCapture {

    private final long maxBytes;
    private final List<byte[]> frames = new ArrayList<>();
    private long bytes;
    private boolean overflow;

    public StreamCapture(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public void add(byte[] frame) {
        if (overflow) {
            return;
        }
        bytes += frame.length;
        if (bytes > maxBytes) {
            overflow = true;
            frames.clear();
            return;
        }
        frames.add(frame);
    }

    /** The answer to cache, if the stream completed and fit. */
    public Optional<CachedAnswer> completed(boolean complete, String contentType, long now, long ttlMillis) {
        if (!complete || overflow || frames.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CachedAnswer(contentType, frames, now, now + ttlMillis));
    }
}
