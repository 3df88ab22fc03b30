package dev.sluice.gateway.relay.stream;

import dev.sluice.gateway.context.Timing;
import dev.sluice.gateway.context.UpstreamHeaders;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.provider.UpstreamHead;
import dev.sluice.gateway.route.Target;
import io.helidon.webserver.http.ServerResponse;
import java.io.OutputStream;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The client's side of one streamed answer, across every attempt that writes into it: the head goes
 * out once (the first attempt that got an upstream stream sets it), then frames, each flushed. An
 * attempt that fails before its first content leaves only the head and {@code : ping} comments behind,
 * which no SSE client sees, so the next target can still answer into the same stream.
 */
public final class ClientStream {

    /** The response header naming the target that answered ({@code provider/model}). */
    public static final String TARGET_HEADER = "x-sluice-target";

    private final ServerResponse res;
    private final ClientConnection client;
    private final Duration writeDeadline;
    private final Timing timing;
    private @Nullable OutputStream out;

    public ClientStream(ServerResponse res, ClientConnection client, Duration writeDeadline, Timing timing) {
        this.res = res;
        this.client = client;
        this.writeDeadline = writeDeadline;
        this.timing = timing;
    }

    /** Sets the head from the first upstream head; later attempts keep it. */
    public void begin(UpstreamHead head, Target target) {
        if (out != null) {
            return;
        }
        UpstreamHeaders.copy(head.headers(), res);
        res.header(TARGET_HEADER, target.id());
        res.status(200);
        res.header("content-type", "text/event-stream; charset=utf-8");
        res.header("cache-control", "no-cache");
        out = res.outputStream();
    }

    /** Whether an attempt began the stream: from then on every failure is told in-band. */
    public boolean begun() {
        return out != null;
    }

    /**
     * Writes and flushes one frame. A client that stops reading blocks the write once the socket's
     * buffers are full: if it is still blocked after the idle timeout, the connection watch closes the
     * socket, the write fails and the stream ends as cancelled (upstream aborted, permit released).
     */
    public void write(byte[] bytes) throws StreamRelay.ClientGoneException {
        put(bytes, true);
    }

    /**
     * Writes one frame without flushing it: a frame that more frames already read will follow goes out with them.
     * It may still reach the socket when the response's buffer fills, under the same write deadline.
     */
    void writeLater(byte[] bytes) throws StreamRelay.ClientGoneException {
        put(bytes, false);
    }

    /** Sends what {@link #writeLater} left in the response's buffer. */
    void flush() throws StreamRelay.ClientGoneException {
        put(null, true);
    }

    private void put(byte @Nullable [] bytes, boolean flush) throws StreamRelay.ClientGoneException {
        OutputStream o = out;
        if (o == null) {
            throw new IllegalStateException("the stream was not begun");
        }
        client.writeStarts(timing.now() + writeDeadline.toNanos());
        try {
            if (bytes != null) {
                o.write(bytes);
            }
            if (flush) {
                o.flush();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Helidon reports a vanished client as ServerConnectionException / UncheckedIOException
            throw new StreamRelay.ClientGoneException(e);
        } finally {
            client.writeDone();
        }
    }
}
