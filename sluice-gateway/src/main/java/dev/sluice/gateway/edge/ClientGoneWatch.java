package dev.sluice.gateway.edge;

import io.helidon.webserver.ConnectionContext;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Notices a client that closes its connection (FIN or RST) while its whole answer is being
 * prepared, so the upstream call can be aborted at once instead of running to its end.
 * <p>
 * Helidon's handler does not read the socket while it works, and Helidon's own idle monitor
 * ({@code HelidonSocket.idle()}) reports a socket without a read timeout as closed after 101 ms, so
 * it cannot serve. Instead a virtual thread blocks in the connection's own {@code DataReader}:
 * end of stream or a reset means the client is gone; bytes (a pipelined next request) are only
 * buffered there for Helidon to parse later, and end the watch. Because two threads must never use
 * the reader at once, {@link #finish()} — called after the answer was written, when the handler
 * is done with the request — waits for the watcher, which returns when the client sends its next
 * request or closes; a client that does neither within the idle timeout has its connection closed,
 * the same bound as any idle keep-alive connection.
 * <p>
 * The watcher starts {@link #START_DELAY} after the request (within the next 10 ms, with no timer of its own):
 * an answer that comes sooner (a cache hit, a fast model) never pays for it — measured, the hand-offs on the
 * next request of a kept connection cost about 70 µs — and a client that left meanwhile is seen the moment it
 * starts.
 */
public final class ClientGoneWatch {

    /** Watches nothing (streams, detached handlers): never gone. */
    public static final ClientGoneWatch NONE = new ClientGoneWatch(null, null, null, Duration.ZERO, false);

    /** How long after admission the watch begins. */
    static final Duration START_DELAY = Duration.ofMillis(25);

    /** Both null only in {@link #NONE}, which watches nothing. */
    private final @Nullable ClientConnection connection;

    private final @Nullable ConnectionContext ctx;
    private final Duration idle;
    private final boolean closeAfter;
    private final AtomicReference<Runnable> onGone = new AtomicReference<>(ClientGoneWatch::nothing);
    private volatile boolean gone;
    private @Nullable Thread watcher;
    /** The watch that starts this one; null only in {@link #NONE}. */
    private final @Nullable ConnectionWatch edge;
    /** When it is to start ({@link ConnectionWatch}'s clock). */
    volatile long dueAt;

    private boolean finished;

    private ClientGoneWatch(
            @Nullable ConnectionWatch edge,
            @Nullable ClientConnection connection,
            @Nullable ConnectionContext ctx,
            Duration idle,
            boolean closeAfter) {
        this.edge = edge;
        this.connection = connection;
        this.ctx = ctx;
        this.idle = idle;
        this.closeAfter = closeAfter;
    }

    /**
     * Watches the connection of the request on this thread from {@link #START_DELAY} on.
     *
     * @param closeAfter the request asked for {@code Connection: close}: the socket is closed when the
     *                   answer is out, which also ends the watch
     */
    public static ClientGoneWatch start(
            ConnectionWatch edge, ClientConnection connection, Duration idle, boolean closeAfter) {
        return connection
                .context()
                .map(ctx -> {
                    ClientGoneWatch w = new ClientGoneWatch(edge, connection, ctx, idle, closeAfter);
                    edge.startLater(w, START_DELAY);
                    return w;
                })
                .orElse(NONE);
    }

    /** Starts the watcher unless the answer is already out; {@link ConnectionWatch}'s check calls it when due. */
    synchronized void startWatcher() {
        if (!finished) {
            ConnectionContext c = watched();
            watcher = Thread.ofVirtual()
                    .name("sluice-client-watch-" + c.childSocketId())
                    .start(this::watch);
        }
    }

    private void watch() {
        try {
            watched().dataReader().ensureAvailable(); // returns when bytes arrive; throws at end of stream or reset
        } catch (RuntimeException closedOrReset) {
            gone = true;
            onGone.getAndSet(ClientGoneWatch::nothing).run();
        }
    }

    /** The connection watched: every watch but {@link #NONE}, which never starts a watcher, has one. */
    private ConnectionContext watched() {
        return Objects.requireNonNull(ctx, "NONE starts no watcher");
    }

    /** The action when none is set. */
    private static void nothing() {}

    /** Whether the client has gone away. */
    public boolean gone() {
        return gone;
    }

    /**
     * Runs {@code action} once, at once if the client is already gone, else when it goes (on the watch
     * thread). Replaces an earlier action that has not run.
     */
    public void onGone(Runnable action) {
        if (this == NONE) {
            return;
        }
        onGone.set(action);
        if (gone) {
            onGone.getAndSet(ClientGoneWatch::nothing).run();
        }
    }

    /** No action any more (the attempt it aborted is over). */
    public void clear() {
        onGone.set(ClientGoneWatch::nothing);
    }

    /**
     * Ends the watch once the answer is written: waits for the client's next request or its close
     * (at most the idle timeout, then the connection is closed), so Helidon reads on alone.
     */
    public void finish() throws InterruptedException {
        if (this == NONE) {
            return;
        }
        Thread started;
        synchronized (this) {
            finished = true;
            started = watcher;
        }
        clear();
        if (edge != null) {
            edge.forget(this);
        }
        if (closeAfter && connection != null) {
            connection.cut();
        }
        if (started == null) {
            return; // answered before the watch began: nothing reads the connection but Helidon
        }
        try {
            if (!started.join(idle)) {
                end(started); // an idle keep-alive connection: closed as Helidon closes idle ones
            }
        } catch (InterruptedException e) {
            end(started); // shutdown: end the watcher before giving the connection back
            throw e;
        }
    }

    /** Closes the connection so the watcher returns; interrupting it closes the channel if the close did not. */
    private void end(Thread started) throws InterruptedException {
        if (connection != null) {
            connection.cut();
        }
        if (!started.join(Duration.ofSeconds(1))) {
            started.interrupt();
            started.join(Duration.ofSeconds(1));
        }
    }
}
