package dev.sluice.gateway.realtime;

import dev.sluice.core.Outcome;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;
import java.net.http.WebSocket;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One realtime session: a client WebSocket (Helidon) and an upstream one (the JDK client), frames relayed
 * both ways as they are. Towards the client, messages wait in a queue bounded by {@code realtime.queue-size}
 * bytes, written by the session's own virtual thread; while it is full the upstream is not read (its
 * {@code request(1)} waits), so nothing is dropped and nothing grows, and a client that stays full for
 * {@code realtime.stall-timeout} is closed 1013. Towards the upstream ({@link UpstreamLink}), each client message
 * is sent before the next is read (the client's TCP window is the queue). Ends exactly once ({@link #close}): both sides closed
 * with a code and a reason, the writer stopped, and its {@link Sessions} told, which releases the rest.
 */
final class RealtimeSession implements ClientOutbox.Events {

    /** How a session ended, for the access log and metrics. */
    record End(int code, RealtimeMetrics.Cause cause, String reason, Outcome outcome) {}

    final String id;
    final Sessions.Admitted admitted;
    private final Sessions owner;
    private final long startNanos;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ClientOutbox outbox;
    private final SessionTally tally = new SessionTally();
    private final UpstreamLink link;
    private volatile @Nullable WsSession client;
    private volatile long lastMessageNanos;
    private volatile @Nullable End end;
    private volatile @Nullable Thread goneWatch;

    RealtimeSession(
            String id, Sessions.Admitted admitted, Sessions owner, int maxMessage, int queueBytes, long nowNanos) {
        this.id = id;
        this.admitted = admitted;
        this.owner = owner;
        this.startNanos = nowNanos;
        this.lastMessageNanos = nowNanos;
        this.outbox = new ClientOutbox(queueBytes, this);
        this.link = new UpstreamLink(this, owner, maxMessage, nowNanos);
    }

    /** The listener to dial the upstream with. */
    WebSocket.Listener upstreamListener() {
        return link.listener();
    }

    /** The upstream socket, once dialed (its listener is {@link #upstreamListener()} from the start). */
    void upstream(WebSocket ws) {
        link.dialed(ws);
    }

    /** The client's socket is open: the writer starts and the upstream is read. */
    void open(WsSession session) {
        this.client = session;
        outbox.start(session, "realtime-writer-" + id);
        goneWatch = admitted.connection()
                .whenEnded(
                        "realtime-gone-" + id,
                        () -> close(
                                1006,
                                RealtimeMetrics.Cause.CLIENT_GONE,
                                "the client's connection ended",
                                Outcome.CANCELLED));
        if (closed.get()) {
            outbox.stop();
            stopGoneWatch();
        }
        link.startReading();
    }

    // ---- upstream -> client ----

    /** A whole upstream message, on the upstream reader's thread: counted, then queued for the client. */
    void fromUpstream(ClientOutbox.Message m) {
        String text = m.text();
        if (text != null) {
            tally.upstreamEvent(text);
        }
        long now = owner.now();
        lastMessageNanos = now;
        link.alive(now);
        if (!closed.get() && outbox.offer(m, now)) {
            link.request();
        } // else the outbox calls resume() once the client has read half of what waits
    }

    @Override
    public void written(int size) {
        tally.toClient(size, owner.now());
        owner.metrics().frame(false, size);
    }

    @Override
    public void resume() {
        link.request();
    }

    @Override
    public void failed() {
        close(1006, RealtimeMetrics.Cause.CLIENT_GONE, "the client's connection failed", Outcome.CANCELLED);
    }

    // ---- client -> upstream ----

    /** A client frame: sent to the upstream before the next is read (see {@link UpstreamLink}). */
    void fromClient(String text, boolean last) {
        lastMessageNanos = owner.now();
        link.fromClient(text, last);
    }

    void fromClient(BufferData data, boolean last) {
        lastMessageNanos = owner.now();
        link.fromClient(data, last);
    }

    /** The client closed (or its connection ended): the upstream is closed too. */
    void clientClosed(int code, String reason) {
        close(
                code == 1000 || code == 1001 ? 1000 : code,
                RealtimeMetrics.Cause.CLIENT,
                "client closed (" + code + " " + reason + ")",
                code == 1000 || code == 1001 ? Outcome.SUCCESS : Outcome.CANCELLED,
                true);
    }

    // ---- ending ----

    /**
     * Ends the session once, whoever asks first: the client gets {@code code} and {@code reason} (cut to the
     * 123 bytes a close frame carries), the upstream a normal close with the same reason, then its socket is
     * let go; the writer stops and the owner releases the permit, the key's slot and records the end.
     */
    void close(int code, RealtimeMetrics.Cause cause, String reason, Outcome outcome) {
        close(code, cause, reason, outcome, false);
    }

    /**
     * @param inline tell the client on this thread: only its own connection's thread may (the close answering
     *        the client's close frame must be sent before Helidon, on return, closes the socket); any other
     *        caller (the reaper, shutdown, the upstream's listener) must not wait for the client's socket
     */
    private void close(int code, RealtimeMetrics.Cause cause, String reason, Outcome outcome, boolean inline) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        String why = SessionEnds.closeReason(reason);
        End ended = new End(code, cause, why, outcome);
        end = ended;
        WsSession c = client;
        outbox.discard(); // what waits is dropped; a frame being written is finished (see tellClient)
        link.close(why);
        // released first: WsSession.close takes the connection's send lock, which the writer holds while it is
        // blocked writing to a client that does not read; the owner's cut (after a grace) ends such a write
        owner.ended(this, ended);
        Runnable tellClient = () -> {
            if (c != null && code != 1006) {
                try {
                    c.close(code, why);
                } catch (RuntimeException clientGone) {
                    // nobody to tell
                }
            }
            outbox.stopWriter(); // after the close frame went, so a frame it was sending completes
        };
        stopGoneWatch();
        if (inline) {
            tellClient.run();
        } else {
            Thread.ofVirtual().name("realtime-close-" + id).start(tellClient);
        }
    }

    /** The watch on the client's connection ends with the session (unless it is what ended it). */
    private void stopGoneWatch() {
        Thread w = goneWatch;
        if (w != null && w != Thread.currentThread()) {
            w.interrupt();
        }
    }

    /** A dial that failed: the session never was; it leaves the registry without an end of its own. */
    void abandon() {
        if (closed.compareAndSet(false, true)) {
            owner.abandoned(this);
        }
    }

    /**
     * The reaper's pings: one queued for the client unless one is queued or was sent within {@code everyNanos},
     * and, once the session is open, one for a quiet upstream (see {@link UpstreamLink#probe}).
     */
    void ping(long now, long everyNanos, long quietNanos) {
        outbox.pingIfDue(now, everyNanos);
        if (client != null && !closed.get()) {
            link.probe(now, quietNanos);
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    @Nullable
    End end() {
        return end;
    }

    /** Whether it is due for reaping at {@code now}, and why; null when it is not. */
    @Nullable
    String overdue(long now, long idleNanos, long maxNanos, long stallNanos) {
        if (client == null && now - startNanos > Sessions.OPEN_WITHIN_NANOS) {
            return "handshake";
        }
        if (client != null && admitted.connection().ended()) {
            return "client-gone"; // a backstop: the gone-watch (see open) ends it sooner
        }
        if (client != null && link.silent(now)) {
            return "upstream-silent";
        }
        if (now - startNanos > maxNanos) {
            return "max-duration";
        }
        if (now - lastMessageNanos > idleNanos) {
            return "idle";
        }
        if (outbox.stalled(now, stallNanos)) {
            return "stalled";
        }
        return null;
    }

    long startNanos() {
        return startNanos;
    }

    long queuedBytes() {
        return outbox.queuedBytes();
    }

    SessionTally tally() {
        return tally;
    }
}
