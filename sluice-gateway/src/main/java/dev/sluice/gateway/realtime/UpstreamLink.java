package dev.sluice.gateway.realtime;

import dev.sluice.core.Outcome;
import io.helidon.common.buffers.BufferData;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One session's upstream socket (the JDK client) and what goes to it: each client message, bounded by
 * {@code realtime.max-message-size}, is sent and waited for before the next is read (the client's TCP window is
 * the queue); a quiet upstream is pinged, so one that vanished is found; and its close. What comes from it is
 * read by its listener, {@link UpstreamReader}, and handed to the {@link RealtimeSession}.
 */
final class UpstreamLink {

    /** An upstream pinged and silent this long is taken for gone. */
    static final long SILENT_NANOS = Duration.ofSeconds(5).toNanos();

    private final RealtimeSession session;
    private final Sessions owner;
    private final int maxMessage;
    private final UpstreamReader reader;
    private volatile @Nullable WebSocket upstream;
    /** When the upstream last showed life (a message or a pong), and when it was last pinged. */
    private volatile long lastUpstreamNanos;

    private volatile long upstreamPingNanos;
    /** When the first ping since the upstream last showed life was sent: silence is counted from it. */
    private volatile long firstUnansweredPingNanos;

    private long clientMessageBytes;

    UpstreamLink(RealtimeSession session, Sessions owner, int maxMessage, long nowNanos) {
        this.session = session;
        this.owner = owner;
        this.maxMessage = maxMessage;
        this.lastUpstreamNanos = nowNanos;
        this.reader = new UpstreamReader(session, this, maxMessage);
    }

    /** The listener to dial the upstream with: it hands whole messages to the session. */
    WebSocket.Listener listener() {
        return reader;
    }

    /**
     * The upstream socket. Frames flow only once it is dialed: the upstream's through its listener, the
     * client's after the upgrade, which the handshake makes only for a dialed session.
     */
    private WebSocket upstream() {
        return Objects.requireNonNull(upstream, "the upstream is dialed before any frame flows");
    }

    /** The upstream socket, once dialed. */
    void dialed(WebSocket ws) {
        this.upstream = ws;
        if (session.isClosed()) {
            ws.abort(); // ended while it was being dialed
        }
    }

    /** The client's socket is open: the upstream is read, if it was dialed. */
    void startReading() {
        WebSocket ws = upstream;
        if (ws != null) {
            ws.request(1);
        }
    }

    /** Asks the upstream for its next message. */
    void request() {
        upstream().request(1);
    }

    /** A message from the upstream at {@code now}: it is alive. */
    void alive(long now) {
        lastUpstreamNanos = now;
    }

    /** A pong from the upstream: it is alive. */
    void pong() {
        lastUpstreamNanos = owner.now();
    }

    void fromClient(String text, boolean last) {
        if (count(text.length(), last)) {
            send(() -> upstream().sendText(text, last));
        }
    }

    void fromClient(BufferData data, boolean last) {
        byte[] bytes = new byte[data.available()];
        data.read(bytes);
        if (count(bytes.length, last)) {
            send(() -> upstream().sendBinary(ByteBuffer.wrap(bytes), last));
        }
    }

    /** Counts a client frame; false (and the session closed 1009) when its message grew past the bound. */
    private boolean count(int size, boolean last) {
        clientMessageBytes += size;
        if (clientMessageBytes > maxMessage) {
            session.close(
                    1009,
                    RealtimeMetrics.Cause.TOO_LARGE,
                    "message larger than realtime.max-message-size (" + maxMessage + " bytes)",
                    Outcome.FAILURE);
            return false;
        }
        if (last) {
            clientMessageBytes = 0;
        }
        session.tally().fromClient(size, last);
        owner.metrics().frame(true, size);
        return !session.isClosed();
    }

    /** Sends to the upstream and waits for it: the next client frame is read only after this one went. */
    private void send(Supplier<CompletableFuture<WebSocket>> sending) {
        try {
            sending.get().get(owner.stallTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            session.close(
                    1011,
                    RealtimeMetrics.Cause.UPSTREAM_STALLED,
                    "the upstream did not take a message within realtime.stall-timeout",
                    Outcome.FAILURE);
        } catch (ExecutionException | RuntimeException e) {
            session.close(
                    1011,
                    RealtimeMetrics.Cause.UPSTREAM_LOST,
                    "upstream connection failed: " + plain(e.getCause() != null ? e.getCause() : e),
                    Outcome.FAILURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.close(1001, RealtimeMetrics.Cause.SHUTDOWN, "Sluice is stopping", Outcome.CANCELLED);
        }
    }

    /**
     * Pings a quiet upstream (nothing from it for {@code quietNanos}, at most one ping per that): the JDK
     * client does not always report an upstream that went away without a close frame, but a write to it fails
     * at once, and a live one answers with a pong.
     */
    void probe(long now, long quietNanos) {
        WebSocket u = upstream;
        if (u == null || now - lastUpstreamNanos < quietNanos || now - upstreamPingNanos < quietNanos) {
            return;
        }
        if (upstreamPingNanos <= lastUpstreamNanos) {
            firstUnansweredPingNanos = now; // pings sent after it, unanswered too, do not restart the count
        }
        upstreamPingNanos = now;
        try {
            // nothing waits for the ping: its failure closes the session from the JDK's thread
            var unused = u.sendPing(ByteBuffer.allocate(0)).whenComplete((w, t) -> {
                if (t != null) {
                    session.close(
                            1011,
                            RealtimeMetrics.Cause.UPSTREAM_LOST,
                            "upstream connection lost: " + plain(t),
                            Outcome.FAILURE);
                }
            });
        } catch (IllegalStateException | IllegalArgumentException pingOutstanding) {
            // the last ping is still on its way: its outcome decides
        }
    }

    /** Whether a ping went unanswered for longer than {@link #SILENT_NANOS} at {@code now}. */
    boolean silent(long now) {
        return upstreamPingNanos > lastUpstreamNanos && now - firstUnansweredPingNanos > SILENT_NANOS;
    }

    /** Closes the upstream normally with {@code why}, if it was dialed; its socket is let go either way. */
    void close(String why) {
        WebSocket u = upstream;
        if (u != null) {
            try {
                // best effort: however the close ends (or times out), the socket is aborted; nothing waits for it
                CompletableFuture<WebSocket> unused = u.sendClose(WebSocket.NORMAL_CLOSURE, why)
                        .orTimeout(1, TimeUnit.SECONDS)
                        .whenComplete((ws, t) -> u.abort());
            } catch (RuntimeException alreadyClosed) {
                u.abort();
            }
        }
    }

    /** In plain words, as for HTTP upstreams (connection reset, upstream closed the connection, ...). */
    private static String plain(Throwable t) {
        return dev.sluice.gateway.provider.UpstreamCall.classify(t).getMessage();
    }
}
