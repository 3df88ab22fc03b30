package dev.sluice.gateway.edge;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The deadlines Helidon does not keep: headers, body, upload rate, and writes to a client that does
 * not read. Helidon calls {@link #receiveListener()} on the connection's own thread when a request
 * line and when the headers have been read; the request handler runs on that same thread, so a
 * connection is known here by its thread. A sweep every {@code period} closes the socket of every
 * connection past its deadline (the blocked read or write then fails and Helidon ends the
 * connection) and forgets connections that have ended. Bounded by the listener's connection limit.
 * <p>
 * Helidon itself bounds the request line and keep-alive idleness ({@code idleConnectionTimeout}:
 * it interrupts a connection that is waiting for a request line).
 */
public final class ConnectionWatch implements AutoCloseable {

    /** Why a connection was cut; the metric's tag. */
    public enum Cut {
        HEADER_TIMEOUT,
        BODY_TIMEOUT,
        SLOW_UPLOAD,
        WRITE_STALLED
    }

    private static final System.Logger LOG = System.getLogger("sluice.edge");
    private static final long CUT_GRACE_NANOS = 1_000_000_000L;

    /** How often the client-gone watches waiting to start are checked. */
    private static final long WATCH_CHECK_MS = 10;

    private final Map<Thread, ClientConnection> byThread = new ConcurrentHashMap<>();
    /**
     * Client-gone watches not started yet: at most one per whole answer in flight (so bounded by admission's
     * in-flight limit), each leaving within its start delay plus 10 ms, started or finished.
     */
    private final Set<ClientGoneWatch> waiting = ConcurrentHashMap.newKeySet();

    private final Map<Cut, LongAdder> cuts = new ConcurrentHashMap<>();
    private final long headerNanos;
    private final long bodyNanos;
    private final long minUploadRate;
    private final LongSupplier clock;
    private final ScheduledExecutorService sweeper;
    private final int bound;
    private final LongAdder listenerRestarts = new LongAdder();

    private ConnectionWatch(
            Duration headerTimeout,
            Duration bodyTimeout,
            long minUploadRate,
            LongSupplier clock,
            Duration period,
            int bound) {
        this.bound = bound;
        this.headerNanos = headerTimeout.toNanos();
        this.bodyNanos = bodyTimeout.toNanos();
        this.minUploadRate = minUploadRate;
        this.clock = clock;
        for (Cut c : Cut.values()) {
            cuts.put(c, new LongAdder());
        }
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sluice-connection-watch");
            t.setDaemon(true);
            return t;
        });
        this.sweeper = timer;
        long ms = Math.max(10, period.toMillis());
        // the sweep catches its own failures and close() ends it with the executor: nothing to wait for
        Future<?> unused = sweeper.scheduleWithFixedDelay(this::sweepQuietly, ms, ms, TimeUnit.MILLISECONDS);
        unused = sweeper.scheduleWithFixedDelay(
                this::startDueQuietly, WATCH_CHECK_MS, WATCH_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the sweep. {@code minUploadRate} is in bytes per second, 0 for none; {@code maxConnections}
     * is the listener's connection limit, which bounds what is watched.
     */
    public static ConnectionWatch start(
            Duration headerTimeout, Duration bodyTimeout, long minUploadRate, int maxConnections) {
        return new ConnectionWatch(
                headerTimeout, bodyTimeout, minUploadRate, System::nanoTime, Duration.ofMillis(50), maxConnections);
    }

    /** The listener died and was started again ({@link ListenerProbe}). */
    public void listenerRestarted() {
        listenerRestarts.increment();
    }

    /** Times the listener was started again since start. */
    public long listenerRestarts() {
        return listenerRestarts.sum();
    }

    /** The listener's connection limit. */
    public int bound() {
        return bound;
    }

    /** The listener Helidon calls on each connection's thread as a request arrives. */
    public Http1ConnectionListener receiveListener() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                ClientConnection c =
                        byThread.computeIfAbsent(Thread.currentThread(), t -> new ClientConnection(t, ctx));
                c.phase(Phase.HEADERS, clock.getAsLong() + headerNanos);
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                ClientConnection c = byThread.get(Thread.currentThread());
                if (c == null) {
                    return;
                }
                boolean entity = headers.contains(HeaderNames.TRANSFER_ENCODING)
                        || headers.contentLength().orElse(0) > 0;
                long now = clock.getAsLong();
                c.bodyStarted(now);
                c.phase(entity ? Phase.BODY : Phase.HANDLER, entity ? now + bodyNanos : Long.MAX_VALUE);
            }
        };
    }

    /**
     * The connection of the request being handled on this thread; a detached handle (no deadlines,
     * never cut) when the thread is not a connection's.
     */
    public ClientConnection current() {
        ClientConnection c = byThread.get(Thread.currentThread());
        return c != null ? c : ClientConnection.DETACHED;
    }

    /**
     * Starts {@code watch} once {@code delay} has passed, at the next pass of a 10 ms check over the watches
     * waiting. No timer per request: a timer scheduled and cancelled for every whole answer woke this watch's
     * thread about once a request (issue 20); adding to and removing from a set wakes nobody.
     */
    void startLater(ClientGoneWatch watch, Duration delay) {
        watch.dueAt = clock.getAsLong() + delay.toNanos();
        waiting.add(watch);
    }

    /** {@code watch} is finished: it is not to be started. */
    void forget(ClientGoneWatch watch) {
        waiting.remove(watch);
    }

    /** Starts the waiting watches that are due; the 10 ms check calls it, tests may too. */
    // waiting is a concurrent set: its iterator is weakly consistent, so removing while iterating is safe
    @SuppressWarnings("ModifyCollectionInEnhancedForLoop")
    void startDue() {
        long now = clock.getAsLong();
        for (ClientGoneWatch w : waiting) {
            if (now - w.dueAt >= 0 && waiting.remove(w)) {
                w.startWatcher();
            }
        }
    }

    private void startDueQuietly() {
        try {
            startDue();
        } catch (RuntimeException | Error e) { // a failed pass must not end the schedule
            LOG.log(System.Logger.Level.WARNING, "starting client-gone watches failed", e);
        }
    }

    /** Connections being watched now. */
    public int size() {
        return byThread.size();
    }

    /** Connections cut for {@code why} since start. */
    public long cuts(Cut why) {
        return counter(why).sum();
    }

    private LongAdder counter(Cut why) {
        return Objects.requireNonNull(cuts.get(why), "the constructor adds a counter for every cut");
    }

    /** One pass over the connections; the scheduled sweep calls it, tests may too. */
    // byThread is a ConcurrentHashMap: its views are weakly consistent, so removing while iterating is safe
    @SuppressWarnings("ModifyCollectionInEnhancedForLoop")
    void sweep() {
        long now = clock.getAsLong();
        for (Map.Entry<Thread, ClientConnection> e : byThread.entrySet()) {
            Thread thread = e.getKey();
            ClientConnection c = e.getValue();
            if (!thread.isAlive() || !c.socketOpen()) {
                byThread.remove(thread, c);
                continue;
            }
            if (c.cutAt != 0) {
                if (now - c.cutAt > CUT_GRACE_NANOS) {
                    thread.interrupt(); // the close did not take: Helidon's own way, it closes a blocked channel
                }
                continue; // forgotten once its socket is closed or its thread has ended
            }
            Cut why = c.overdue(now, minUploadRate);
            if (why != null) {
                counter(why).increment();
                c.cutAt = now == 0 ? 1 : now;
                LOG.log(System.Logger.Level.DEBUG, () -> "closing connection " + c.id() + ": " + why);
                c.cut();
            }
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException | Error e) { // a failed pass must not end the schedule
            LOG.log(System.Logger.Level.WARNING, "connection sweep failed", e);
        }
    }

    /** Stops the sweeper, waiting up to 2 s; an interrupt while waiting stays set on the thread, not thrown. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // AutoCloseable: close should not throw it; the caller sees the flag
        }
        byThread.clear();
        waiting.clear();
    }

    enum Phase {
        HEADERS,
        BODY,
        HANDLER
    }
}
