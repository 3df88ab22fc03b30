package dev.sluice.fake;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * One request being answered, on its own (virtual) thread: blocking writes flushed one by one, waits
 * that end as soon as the peer leaves or the server stops, and the accounting of how it ended.
 *
 * <p>Jetty does not read an HTTP/1.1 connection while a request is being handled, so it would not
 * notice a client that closes during a wait. Waits therefore probe the socket themselves: a
 * non-blocking one-byte read that gives -1 (FIN) or an error (RST) once the peer is gone.
 */
final class Exchange {
    /** How often a wait probes the connection: the most a departed peer can go unnoticed. */
    static final Duration POLL = Duration.ofMillis(50);
    /** Longer waits are cut to this. */
    static final Duration LONGEST_WAIT = Duration.ofDays(1);

    private final Response response;
    private final Callback callback;
    private final Stats stats;
    private final BooleanSupplier stopping;
    private final EndPoint endPoint;
    private final SocketChannel channel;
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile Throwable failure;
    private boolean counted;
    private boolean callbackDone;
    private boolean pipelined;

    Exchange(Request request, Response response, Callback callback, Stats stats, BooleanSupplier stopping) {
        this.response = response;
        this.callback = callback;
        this.stats = stats;
        this.stopping = stopping;
        this.endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        this.channel = endPoint.getTransport() instanceof SocketChannel socket ? socket : null;
        stats.exchangeStarted();
        request.addFailureListener(cause -> {
            failure = cause;
            failed.countDown();
        });
    }

    /**
     * Waits {@code duration}, or throws {@link Gone} as soon as the peer leaves or the server stops:
     * checked on entry and every {@link #POLL}, so a short wait costs one probe and one park.
     */
    void await(Duration duration) {
        if (duration.isZero()) return;
        long nanos = duration.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT.toNanos() : duration.toNanos();
        long deadline = System.nanoTime() + nanos;
        checkAlive();
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            try {
                if (failed.await(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS)) checkAlive();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Gone("interrupted while waiting", e);
            }
            if (deadline - System.nanoTime() > 0) checkAlive();
        }
    }

    /** Never answers: returns only by throwing {@link Gone} when the peer leaves or the server stops. */
    void parkUntilGone() {
        while (true) await(Duration.ofHours(1));
    }

    private void checkAlive() {
        if (failure != null) throw new Gone("request failed", failure);
        if (stopping.getAsBoolean()) throw new Gone("server stopping", null);
        if (!endPoint.isOpen()) throw new Gone("connection closed", null);
        if (channel == null) return;
        try {
            probe.clear();
            int read = channel.read(probe);
            if (read < 0) throw new Gone("peer closed the connection", null);
            if (read > 0) pipelined = true; // a pipelined request we cannot serve: close when done
        } catch (IOException e) {
            throw new Gone("peer reset the connection", e);
        }
    }

    void header(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /** Sets the status and content type; the headers go out with the first write. */
    void start(int status, String contentType) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    }

    boolean isCommitted() {
        return response.isCommitted();
    }

    /** Writes and flushes one frame, blocking until it is written. */
    void write(String text) {
        write(false, text);
    }

    /** A complete response with a body. */
    void respond(int status, String contentType, Map<String, String> headers, String body) {
        start(status, contentType);
        headers.forEach(this::header);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.getBytes(StandardCharsets.UTF_8).length);
        finish(body);
    }

    /**
     * The last write: counted as completed before it goes out, so a client that sees the end of the
     * response also sees {@code activeExchanges} drop; reclassified as aborted if the write fails.
     */
    void finish(String lastText) {
        count(false);
        try {
            write(true, lastText);
        } catch (Gone gone) {
            stats.reclassifyAsAborted();
            complete(gone);
            return;
        }
        complete(null);
        if (pipelined) endPoint.close();
    }

    /** The scripted {@code stream-cut}: the connection closes mid-response, with no terminator. */
    void cut() {
        count(false);
        endPoint.close();
        complete(new EofException("fake provider: scripted stream cut"));
    }

    /** The scripted {@code reset}: SO_LINGER 0 then close, so the peer gets a TCP RST and no response. */
    void reset() {
        count(false);
        if (channel != null) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException e) {
                System.getLogger(Exchange.class.getName()).log(System.Logger.Level.DEBUG, "SO_LINGER failed", e);
            }
        }
        endPoint.close();
        complete(new EofException("fake provider: scripted reset"));
    }

    /** The peer left or the server is stopping: count it aborted and drop the connection. */
    void abort(Gone gone) {
        count(true);
        endPoint.close(gone);
        complete(gone);
    }

    /** Makes sure the exchange is counted and Jetty's callback completed, whatever happened. */
    void ensureComplete(Throwable cause) {
        if (!callbackDone) {
            count(false);
            complete(cause != null ? cause : new IllegalStateException("exchange ended without a response"));
        }
    }

    private void write(boolean last, String text) {
        checkFailure();
        try (Blocker.Callback blocker = Blocker.callback()) {
            response.write(last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), blocker);
            blocker.block();
        } catch (IOException e) {
            throw new Gone("write failed", e);
        }
    }

    private void checkFailure() {
        if (failure != null) throw new Gone("request failed", failure);
    }

    private void count(boolean abortedByPeer) {
        if (!counted) {
            counted = true;
            stats.exchangeEnded(abortedByPeer);
        }
    }

    private void complete(Throwable cause) {
        if (callbackDone) return;
        callbackDone = true;
        if (cause == null) callback.succeeded();
        else callback.failed(cause);
    }
}
