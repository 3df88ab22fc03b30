package dev.sluice.gateway.provider;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.jspecify.annotations.Nullable;

/**
 * One upstream exchange in flight. {@link #close()} aborts it unless it completed, so owning the
 * call in the request scope guarantees the upstream connection is released on every path.
 */
public final class UpstreamCall implements AutoCloseable {

    private final Request request;
    private final UpstreamBody listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The largest buffer allocated for a body before its bytes arrive (doubling past it as they do). */
    static final int FIRST_BUFFER_MAX = 1024 * 1024;

    /** The response's Content-Length once its head arrived; -1 when it has none (chunked, or a stream). */
    private volatile long declaredLength = -1;

    UpstreamCall(Request request, UpstreamBody listener) {
        this.request = request;
        this.listener = listener;
    }

    /** Waits for the response headers; a timeout aborts the exchange. */
    public UpstreamHead awaitHead(Duration timeout) throws UpstreamFailure, InterruptedException {
        try {
            Response r = listener.awaitHead(timeout.toMillis());
            try {
                declaredLength = r.getHeaders().getLongField(org.eclipse.jetty.http.HttpHeader.CONTENT_LENGTH);
            } catch (NumberFormatException notANumber) {
                declaredLength = -1; // read to the end, bounded by the caller's limit
            }
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (HttpField f : r.getHeaders()) {
                headers.computeIfAbsent(f.getName().toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
                        .add(f.getValue());
            }
            return new UpstreamHead(r.getStatus(), headers);
        } catch (TimeoutException e) {
            abort(new UpstreamFailure(UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT, "no response", e));
            throw new UpstreamFailure(
                    UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT,
                    "timed out waiting for response headers (" + timeout.toMillis() + " ms)",
                    e);
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        }
    }

    /** The response body; reads fail with an IOException once the exchange is aborted or broken. */
    public InputStream body() {
        return listener.stream();
    }

    /**
     * The response body, read with a bounded wait, so the thread that relays a stream keeps its own deadlines
     * while it waits; reads fail with an IOException once the exchange is aborted or broken.
     */
    public ByteSource source() {
        return listener;
    }

    /**
     * Reads the whole body, at most {@code limit} bytes (ask for one more than you accept to tell a body that is
     * too large). With a Content-Length the buffer is allocated once at that size (up to 1 MiB, then it doubles);
     * without one it starts at 1 KiB and doubles. {@code InputStream.readNBytes} took 16 KiB scratch buffers and a copy for a 200-byte answer: a
     * third of the bytes allocated per request in issue 20's profile.
     */
    public byte[] readBody(int limit) throws IOException {
        InputStream in = body();
        long declared = declaredLength;
        // a declared length is trusted only up to FIRST_BUFFER_MAX: an upstream that announces 64 MiB and sends
        // a few bytes must not make every request allocate 64 MiB up front; a larger body grows the buffer
        byte[] buf = new byte[(int) Math.min(limit, declared >= 0 ? Math.min(declared, FIRST_BUFFER_MAX) : 1024)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n >= limit) {
                    return buf;
                }
                int next = in.read(); // the end, usually: the buffer was the declared size
                if (next < 0) {
                    return buf;
                }
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(limit, Math.max(1024, buf.length * 2L)));
                buf[n++] = (byte) next;
                continue;
            }
            int read = in.read(buf, n, buf.length - n);
            if (read < 0) {
                return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
            }
            n += read;
        }
    }

    /** Ends a timed read of {@link #source()} that is waiting now (it reads 0), without aborting anything. */
    public void wake() {
        listener.wake();
    }

    /** Aborts the exchange (closing its connection) unless it already completed. Idempotent. */
    public void abort(Throwable cause) {
        // the future only tells whether this call was the one that aborted it: nothing to wait for
        CompletableFuture<Boolean> unused = request.abort(cause);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "exchange closed by Sluice", null));
            listener.close();
        }
    }

    /**
     * Maps a Jetty failure to a kind a client outcome can be chosen from, with a message in plain words
     * (connection refused, connection reset, ...). Jetty's own text, which can hold a dump of the
     * connection with its local and remote ports, stays in the cause for the log, never in the message.
     */
    public static UpstreamFailure classify(@Nullable Throwable t) {
        if (t instanceof UpstreamFailure f) {
            return f;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UpstreamFailure f) {
                return f;
            }
            String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
            if (c instanceof ConnectException) {
                return new UpstreamFailure(
                        UpstreamFailure.Kind.CONNECT,
                        m.contains("refused")
                                ? "connection refused"
                                : m.contains("timed out") ? "connect timed out" : "could not connect",
                        t);
            }
            if (c instanceof UnresolvedAddressException || c instanceof java.net.UnknownHostException) {
                return new UpstreamFailure(UpstreamFailure.Kind.CONNECT, "host name not found", t);
            }
            if (c instanceof java.net.NoRouteToHostException) {
                return new UpstreamFailure(UpstreamFailure.Kind.CONNECT, "no route to host", t);
            }
            if (c instanceof SocketTimeoutException && m.contains("onnect")) {
                return new UpstreamFailure(UpstreamFailure.Kind.CONNECT, "connect timed out", t);
            }
            if (c instanceof javax.net.ssl.SSLHandshakeException) {
                return new UpstreamFailure(UpstreamFailure.Kind.CONNECT, "TLS handshake failed", t);
            }
            // Jetty 12 raises both deadlines as a plain TimeoutException ("Total timeout N ms elapsed",
            // "Idle timeout N ms"): its message is the only thing that tells them apart
            if (c instanceof TimeoutException && m.startsWith("total timeout")) {
                return new UpstreamFailure(
                        UpstreamFailure.Kind.TOTAL_TIMEOUT, "upstream exceeded the total timeout", t);
            }
            if (c instanceof TimeoutException && m.startsWith("idle timeout")) {
                return new UpstreamFailure(
                        UpstreamFailure.Kind.IDLE_TIMEOUT, "upstream was silent longer than the idle timeout", t);
            }
            if (c instanceof java.util.concurrent.RejectedExecutionException) {
                return new UpstreamFailure(
                        UpstreamFailure.Kind.QUEUE_FULL, "upstream connection pool queue is full", t);
            }
            if (c instanceof HttpResponseException) {
                break;
            }
        }
        return new UpstreamFailure(UpstreamFailure.Kind.BROKEN, broken(t), t);
    }

    /** Why a connection broke, in plain words. */
    private static String broken(@Nullable Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("reset")) {
                return "connection reset";
            }
            if (c instanceof javax.net.ssl.SSLException) {
                return "TLS failure on the connection";
            }
            if (c instanceof java.io.EOFException
                    || c instanceof java.nio.channels.ClosedChannelException
                    || c.getClass().getSimpleName().equals("EofException")
                    || m.contains("closed")
                    || m.contains("broken pipe")) {
                return "upstream closed the connection";
            }
        }
        return "upstream connection broke";
    }
}
