package dev.sluice.gateway.realtime;

import dev.sluice.core.Outcome;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One realtime session: a client WebSocket (Helidon) and an upstream one (the JDK client), frames relayed
 * both ways as they are. Towards the client, messages wait in a queue bounded by {@code realtime.queue-size}
 * bytes, written by the session's own virtual thread; while it is full the upstream is not read (its
 * {@code request(1)} waits), so nothing is dropped and nothing grows, and a client that stays full for
 * {@code realtime.stall-timeout} is closed 1013. Towards the upstream, each client message is sent before the
 * next is read (the client's TCP window is the queue). Ends exactly once ({@link #close}): both sides closed
 * with a code and a reason, the writer stopped, and its {@link Sessions} told, which releases the rest.
 */
final class RealtimeSession implements ClientOutbox.Events {

    /** How a session ended, for the access log and metrics. */
    record End(int code, String reason, Outcome outcome) {}

    /** An upstream pinged and silent this long is taken for gone. */
    static final long SILENT_NANOS = java.time.Duration.ofSeconds(5).toNanos();

    final String id;
    final Sessions.Admitted admitted;
    private final Sessions owner;
    private final int maxMessage;
    private final long startNanos;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ClientOutbox outbox;
    private final SessionTally tally = new SessionTally();
    private final UpstreamReader reader;
    private volatile @Nullable WebSocket upstream;
    private volatile @Nullable WsSession client;
    /** When the upstream last showed life (a message or a pong), and when it was last pinged. */
    private volatile long lastUpstreamNanos;

    private volatile long upstreamPingNanos;
    /** When the first ping since the upstream last showed life was sent: silence is counted from it. */
    private volatile long firstUnansweredPingNanos;

    private volatile long lastMessageNanos;
    private volatile @Nullable End end;
    private long clientMessageBytes;

    RealtimeSession(
            String id, Sessions.Admitted admitted, Sessions owner, int maxMessage, int queueBytes, long nowNanos) {
        this.id = id;
        this.admitted = admitted;
        this.owner = owner;
        this.maxMessage = maxMessage;
        this.startNanos = nowNanos;
        this.lastMessageNanos = nowNanos;
        this.lastUpstreamNanos = nowNanos;
        this.outbox = new ClientOutbox(queueBytes, this);
        this.reader = new UpstreamReader(this, maxMessage);
    }

    /**
     * The upstream socket. Frames flow only once it is dialed: the upstream's through its listener, the
     * client's after the upgrade, which the handshake makes only for a dialed session.
     */
    private WebSocket upstream() {
        return Objects.requireNonNull(upstream, "the upstream is dialed before any frame flows");
    }

    /** The listener to dial the upstream with. */
    WebSocket.Listener upstreamListener() {
        return reader;
    }

    /** The upstream socket, once dialed (its listener is {@link #upstreamListener()} from the start). */
    void upstream(WebSocket ws) {
        this.upstream = ws;
        if (closed.get()) {
            ws.abort(); // ended while it was being dialed
        }
    }

    /** The client's socket is open: the writer starts and the upstream is read. */
    void open(WsSession session) {
        this.client = session;
        outbox.start(session, "realtime-writer-" + id);
        if (closed.get()) {
            outbox.stop();
        }
        WebSocket ws = upstream;
        if (ws != null) {
            ws.request(1);
        }
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
        lastUpstreamNanos = now;
        if (!closed.get() && outbox.offer(m, now)) {
            upstream().request(1);
        } // else the outbox calls resume() once the client has read half of what waits
    }

    @Override
    public void written(int size) {
        tally.toClient(size, owner.now());
        owner.metrics().frame(false, size);
    }

    @Override
    public void resume() {
        upstream().request(1);
    }

    @Override
    public void failed() {
        close(1006, "the client's connection failed", Outcome.CANCELLED);
    }

    // ---- client -> upstream ----

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
        lastMessageNanos = owner.now();
        clientMessageBytes += size;
        if (clientMessageBytes > maxMessage) {
            close(1009, "message larger than realtime.max-message-size (" + maxMessage + " bytes)", Outcome.FAILURE);
            return false;
        }
        if (last) {
            clientMessageBytes = 0;
        }
        tally.fromClient(size, last);
        owner.metrics().frame(true, size);
        return !closed.get();
    }

    /** Sends to the upstream and waits for it: the next client frame is read only after this one went. */
    private void send(java.util.function.Supplier<java.util.concurrent.CompletableFuture<WebSocket>> sending) {
        try {
            sending.get().get(owner.stallTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close(1011, "the upstream did not take a message within realtime.stall-timeout", Outcome.FAILURE);
        } catch (ExecutionException | RuntimeException e) {
            close(
                    1011,
                    "upstream connection failed: " + plain(e.getCause() != null ? e.getCause() : e),
                    Outcome.FAILURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(1001, "Sluice is stopping", Outcome.CANCELLED);
        }
    }

    /** The client closed (or its connection ended): the upstream is closed too. */
    void clientClosed(int code, String reason) {
        close(
                code == 1000 || code == 1001 ? 1000 : code,
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
    void close(int code, String reason, Outcome outcome) {
        close(code, reason, outcome, false);
    }

    /**
     * @param inline tell the client on this thread: only its own connection's thread may (the close answering
     *        the client's close frame must be sent before Helidon, on return, closes the socket); any other
     *        caller (the reaper, shutdown, the upstream's listener) must not wait for the client's socket
     */
    private void close(int code, String reason, Outcome outcome, boolean inline) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        String why = SessionEnds.closeReason(reason);
        End ended = new End(code, why, outcome);
        end = ended;
        WsSession c = client;
        outbox.discard(); // what waits is dropped; a frame being written is finished (see tellClient)
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
        if (inline) {
            tellClient.run();
        } else {
            Thread.ofVirtual().name("realtime-close-" + id).start(tellClient);
        }
    }

    /** A dial that failed: the session never was; it leaves the registry without an end of its own. */
    void abandon() {
        if (closed.compareAndSet(false, true)) {
            owner.abandoned(this);
        }
    }

    /** A pong from the upstream: it is alive. */
    void upstreamAlive() {
        lastUpstreamNanos = owner.now();
    }

    /**
     * Pings a quiet upstream (nothing from it for {@code quietNanos}, at most one ping per that): the JDK
     * client does not always report an upstream that went away without a close frame, but a write to it fails
     * at once, and a live one answers with a pong.
     */
    void probeUpstream(long now, long quietNanos) {
        WebSocket u = upstream;
        if (u == null
                || client == null
                || closed.get()
                || now - lastUpstreamNanos < quietNanos
                || now - upstreamPingNanos < quietNanos) {
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
                    close(1011, "upstream connection lost: " + plain(t), Outcome.FAILURE);
                }
            });
        } catch (IllegalStateException | IllegalArgumentException pingOutstanding) {
            // the last ping is still on its way: its outcome decides
        }
    }

    /** Queues a ping for the client unless one is queued or was sent within {@code everyNanos}. */
    void pingIfDue(long now, long everyNanos) {
        outbox.pingIfDue(now, everyNanos);
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
            return "client-gone"; // Helidon does not always tell the listener of a connection that ended
        }
        if (client != null && upstreamPingNanos > lastUpstreamNanos && now - firstUnansweredPingNanos > SILENT_NANOS) {
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

    private static String plain(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? "connection lost" : m;
    }
}
