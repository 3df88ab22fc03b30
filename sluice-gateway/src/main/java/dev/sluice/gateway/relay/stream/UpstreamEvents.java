package dev.sluice.gateway.relay.stream;

import dev.sluice.gateway.provider.ByteSource;
import dev.sluice.gateway.provider.FrameReader;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The upstream side of one relayed stream, read by the relaying thread itself: each poll parses the upstream
 * body into frames (SSE events or NDJSON lines) for at most its wait, keeping a frame half arrived for the next.
 * Nothing is read ahead of the client: the next frame is read only after the last was written, so a client that
 * is behind holds back, through Jetty's demand and TCP, the upstream. (It used to be a reader thread and a
 * bounded queue: two threads and two hand-offs per event, issue 20.)
 */
final class UpstreamEvents implements AutoCloseable {

    /** What a poll found: an event, or the end of the body. */
    sealed interface Item permits Event, End {}

    record Event(SseEvent event) implements Item {}

    /** The body ended: cleanly ({@code failure} null) or with the failure that ended it. */
    record End(@Nullable Throwable failure) implements Item {}

    private final UpstreamCall call;
    private final FrameReader frames;

    UpstreamEvents(UpstreamCall call, Function<ByteSource, FrameReader> frames) {
        this.call = call;
        this.frames = frames.apply(call.source());
    }

    /** The next item, or null when no whole frame came within {@code waitMillis}. */
    @Nullable
    Item poll(long waitMillis) throws InterruptedException {
        try {
            SseEvent e = frames.poll(TimeUnit.MILLISECONDS.toNanos(waitMillis));
            if (e != null) {
                return new Event(e);
            }
            return frames.ended() ? new End(null) : null;
        } catch (InterruptedIOException interrupted) {
            throw new InterruptedException("interrupted while reading the upstream");
        } catch (IOException | RuntimeException failed) {
            return new End(failed);
        }
    }

    /** Aborts the upstream exchange unless it completed. */
    @Override
    public void close() {
        call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "stream relay closed", null));
    }
}
