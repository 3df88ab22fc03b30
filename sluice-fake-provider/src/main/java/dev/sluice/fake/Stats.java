package dev.sluice.fake;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;

/** Counters of connections and exchanges, and the bounded ring of recent requests. */
final class Stats implements Connection.Listener {
    static final int RECENT_CAPACITY = 256;
    /** Most body characters the recent ring keeps in all; the oldest records go first past it. */
    static final long RECENT_BODY_CHARS = 16L * 1024 * 1024;

    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger openRealtimeSessions = new AtomicInteger();
    private final AtomicInteger realtimeSessionsStarted = new AtomicInteger();
    private final Object lock = new Object();
    private int active;
    private long started;
    private long completed;
    private long aborted;
    private final ArrayDeque<RecordedRequest> recent = new ArrayDeque<>(RECENT_CAPACITY);
    private long recentBodyChars;

    @Override
    public void onOpened(Connection connection) {
        openConnections.incrementAndGet();
    }

    @Override
    public void onClosed(Connection connection) {
        openConnections.decrementAndGet();
    }

    int openConnections() {
        return openConnections.get();
    }

    void realtimeOpened() {
        realtimeSessionsStarted.incrementAndGet();
        openRealtimeSessions.incrementAndGet();
    }

    void realtimeClosed() {
        openRealtimeSessions.decrementAndGet();
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    int openRealtimeSessions() {
        return openRealtimeSessions.get();
    }

    int realtimeSessionsStarted() {
        return realtimeSessionsStarted.get();
    }

    /** Waits until no realtime session is open or the timeout passes; true when none is. */
    boolean awaitNoRealtimeSessions(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (openRealtimeSessions.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                lock.wait(Math.max(1, Math.min(50, left / 1_000_000)));
            }
            return true;
        }
    }

    void exchangeStarted() {
        synchronized (lock) {
            active++;
            started++;
        }
    }

    /** An exchange ended; {@code abortedByPeer} when the peer left before the response was fully written. */
    void exchangeEnded(boolean abortedByPeer) {
        synchronized (lock) {
            active--;
            if (abortedByPeer) aborted++;
            else completed++;
            lock.notifyAll();
        }
    }

    /** An exchange counted as completed turned out to be aborted by its last write. */
    void reclassifyAsAborted() {
        synchronized (lock) {
            completed--;
            aborted++;
        }
    }

    int active() {
        synchronized (lock) {
            return active;
        }
    }

    long started() {
        synchronized (lock) {
            return started;
        }
    }

    long completed() {
        synchronized (lock) {
            return completed;
        }
    }

    long aborted() {
        synchronized (lock) {
            return aborted;
        }
    }

    /** Waits until no exchange is active or the timeout passes; true when idle. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (active > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Keeps the last {@value #RECENT_CAPACITY} requests, fewer when their bodies pass {@link #RECENT_BODY_CHARS}. */
    void record(RecordedRequest request) {
        synchronized (recent) {
            recent.addLast(request);
            recentBodyChars += request.body().length();
            while (recent.size() > RECENT_CAPACITY || (recentBodyChars > RECENT_BODY_CHARS && recent.size() > 1)) {
                recentBodyChars -= recent.removeFirst().body().length();
            }
        }
    }

    List<RecordedRequest> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
