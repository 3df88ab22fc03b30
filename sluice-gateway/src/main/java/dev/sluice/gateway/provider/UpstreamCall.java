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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;

/**
 * One upstream exchange in flight. {@link #close()} aborts it unless it completed, so owning the
 * call in the request scope guarantees the upstream connection is released on every path.
 */
public final class UpstreamCall implements AutoCloseable {

    private final Request request;
    private final InputStreamResponseListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Response response;

    UpstreamCall(Request request, InputStreamResponseListener listener) {
        this.request = request;
        this.listener = listener;
    }

    /** Waits for the response headers; a timeout aborts the exchange. */
    public UpstreamHead awaitHead(Duration timeout) throws UpstreamFailure, InterruptedException {
        try {
            Response r = listener.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            response = r;
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (HttpField f : r.getHeaders()) {
                headers.computeIfAbsent(f.getName().toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
                        .add(f.getValue());
            }
            return new UpstreamHead(r.getStatus(), headers);
        } catch (TimeoutException e) {
            abort(new UpstreamFailure(UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT, "no response", e));
            throw new UpstreamFailure(UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT,
                    "upstream sent no response headers within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        }
    }

    /** The response body; reads fail with an IOException once the exchange is aborted or broken. */
    public InputStream body() {
        return listener.getInputStream();
    }

    /** Aborts the exchange (closing its connection) unless it already completed. Idempotent. */
    public void abort(Throwable cause) {
        request.abort(cause);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            request.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "exchange closed by Sluice", null));
            try {
                listener.close();
            } catch (IOException ignored) {
                // already aborted; nothing else holds the connection
            }
        }
    }

    /** Maps a Jetty failure to a kind a client outcome can be chosen from. */
    public static UpstreamFailure classify(Throwable t) {
        if (t instanceof UpstreamFailure f) {
            return f;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UpstreamFailure f) {
                return f;
            }
            if (c instanceof ConnectException || c instanceof UnresolvedAddressException
                    || c instanceof java.net.UnknownHostException || c instanceof java.net.NoRouteToHostException) {
                return new UpstreamFailure(UpstreamFailure.Kind.CONNECT, "upstream connect failed: " + describe(c), t);
            }
            if (c instanceof SocketTimeoutException && String.valueOf(c.getMessage()).contains("onnect")) {
                return new UpstreamFailure(UpstreamFailure.Kind.CONNECT, "upstream connect timed out", t);
            }
            if (c instanceof TimeoutException && String.valueOf(c.getMessage()).startsWith("Total timeout")) {
                return new UpstreamFailure(UpstreamFailure.Kind.TOTAL_TIMEOUT, "upstream exceeded the total timeout", t);
            }
            if (c instanceof TimeoutException && String.valueOf(c.getMessage()).startsWith("Idle timeout")) {
                return new UpstreamFailure(UpstreamFailure.Kind.IDLE_TIMEOUT, "upstream was silent too long: " + c.getMessage(), t);
            }
            if (c instanceof java.util.concurrent.RejectedExecutionException) {
                return new UpstreamFailure(UpstreamFailure.Kind.QUEUE_FULL,
                        "upstream connection pool queue is full: " + describe(c), t);
            }
            if (c instanceof HttpResponseException) {
                break;
            }
        }
        return new UpstreamFailure(UpstreamFailure.Kind.BROKEN, "upstream connection broke: " + describe(t), t);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
