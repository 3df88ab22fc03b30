package dev.sluice.gateway.edge;

import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.ConnectionContext;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One client connection, as its request handler sees it. */
public final class ClientConnection {

    /** The upload rate is judged only after this much of the body's time (a slow start is normal). */
    private static final long RATE_GRACE_NANOS = 5_000_000_000L;

    static final ClientConnection DETACHED = new ClientConnection(null, null);

    /** The connection's thread; null only in {@link #DETACHED}, which is never watched. */
    final @Nullable Thread thread;

    private final @Nullable ConnectionContext ctx;
    private volatile ConnectionWatch.Phase phase = ConnectionWatch.Phase.HANDLER;
    private volatile long deadline = Long.MAX_VALUE;
    private volatile long bodyStart;
    private volatile long bodyBytes;
    private volatile long writeDeadline = Long.MAX_VALUE;
    private volatile boolean closeAfterAnswer;
    /** When the sweep cut this connection (its clock), 0 if never. */
    volatile long cutAt;

    ClientConnection(@Nullable Thread thread, @Nullable ConnectionContext ctx) {
        this.thread = thread;
        this.ctx = ctx;
    }

    void phase(ConnectionWatch.Phase p, long until) {
        if (p == ConnectionWatch.Phase.HEADERS) {
            closeAfterAnswer = false; // a new request on a connection that was kept
        }
        deadline = until;
        phase = p;
        writeDeadline = Long.MAX_VALUE;
    }

    void bodyStarted(long now) {
        bodyBytes = 0;
        bodyStart = now;
    }

    /** The handler read {@code n} more bytes of the body. */
    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer, the connection's handler thread; the sweep only reads
    public void bodyRead(long n) {
        bodyBytes += n;
    }

    /** The handler has the whole body: no body deadline from here on. */
    public void bodyDone() {
        if (this != DETACHED) {
            phase(ConnectionWatch.Phase.HANDLER, Long.MAX_VALUE);
        }
    }

    /** A write to the client starts: if it has not returned by {@code deadlineNanos}, the connection is cut. */
    public void writeStarts(long deadlineNanos) {
        writeDeadline = deadlineNanos;
    }

    /** The request cannot be followed by another on this connection (its body could not be read). */
    public void closeAfterAnswer() {
        closeAfterAnswer = true;
    }

    /** Whether the connection is to be closed once the answer is out. */
    public boolean closingAfterAnswer() {
        return closeAfterAnswer;
    }

    /** The write returned. */
    public void writeDone() {
        writeDeadline = Long.MAX_VALUE;
    }

    /** The connection's socket, for a watch on the client going away; empty when detached. */
    Optional<ConnectionContext> context() {
        return Optional.ofNullable(ctx);
    }

    ConnectionWatch.@Nullable Cut overdue(long now, long minRate) {
        if (now - writeDeadline > 0) {
            return ConnectionWatch.Cut.WRITE_STALLED;
        }
        ConnectionWatch.Phase p = phase;
        if (p == ConnectionWatch.Phase.HANDLER) {
            return null;
        }
        if (now - deadline > 0) {
            return p == ConnectionWatch.Phase.HEADERS
                    ? ConnectionWatch.Cut.HEADER_TIMEOUT
                    : ConnectionWatch.Cut.BODY_TIMEOUT;
        }
        long elapsed = now - bodyStart;
        if (p == ConnectionWatch.Phase.BODY
                && minRate > 0
                && elapsed > RATE_GRACE_NANOS
                && bodyBytes < minRate * (elapsed / 1_000_000_000.0)) {
            return ConnectionWatch.Cut.SLOW_UPLOAD;
        }
        return null;
    }

    boolean socketOpen() {
        ConnectionContext c = ctx;
        if (c == null) {
            return false; // detached: no socket (and never watched)
        }
        try {
            return c.serverSocket().isConnected();
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    /**
     * Whether the connection is over: its thread has ended (Helidon ends it when the socket closes or fails),
     * or its socket is closed. For a connection upgraded to a WebSocket, whose reader does not always say so.
     */
    public boolean ended() {
        if (ctx == null) {
            return false; // not a watched connection
        }
        return (thread != null && !thread.isAlive()) || !socketOpen();
    }

    /**
     * Runs {@code action} on a virtual thread of its own as soon as the connection's thread ends (Helidon ends
     * it when the socket closes or fails, and tells no WebSocket listener of a socket closed without a close
     * frame). Interrupting the returned thread stops the wait without running the action; null when this
     * connection is not watched.
     */
    public @Nullable Thread whenEnded(String name, Runnable action) {
        Thread t = thread;
        if (ctx == null || t == null) {
            return null;
        }
        return Thread.ofVirtual().name(name).start(() -> {
            try {
                t.join();
            } catch (InterruptedException stopped) {
                return;
            }
            action.run();
        });
    }

    /** Closes the socket: a read or write blocked on it fails at once. */
    public void cut() {
        if (ctx == null) {
            return;
        }
        try {
            HelidonSocket s = ctx.serverSocket();
            s.close(); // shutdownOutput, shutdownInput, close: the first may fail on a reset socket
        } catch (RuntimeException partly) {
            // closed meanwhile, or the shutdown failed on a reset socket: a cut the sweep made is
            // followed up by interrupting the connection's thread if the socket is still open
        }
    }

    String id() {
        return ctx == null ? "detached" : ctx.childSocketId();
    }
}
