package dev.sluice.gateway.provider;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.io.Content;
import org.jspecify.annotations.Nullable;

/**
 * One upstream response as Jetty delivers it, read by the request's own thread: the head as a future, the body
 * one chunk at a time. Jetty hands over a chunk and is asked for the next only when the reader has taken all of
 * it, so at most one chunk is held and a reader that is behind holds the upstream back through TCP. A read can
 * wait for a bounded time ({@link #read(byte[], int, int, long)}), so the thread that relays a stream also keeps
 * its deadlines and heartbeats without a second thread reading for it; this replaced Jetty's
 * {@code InputStreamResponseListener} and the per-stream reader thread (issue 20).
 */
final class UpstreamBody implements Response.Listener, ByteSource {

    private final CompletableFuture<Response> head = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();

    // guarded by lock
    private Content.@Nullable Chunk chunk;
    private @Nullable Runnable demander;
    private boolean ended;
    private @Nullable Throwable failure;
    private boolean closed;
    /** {@link #wake()} was called: a timed read waiting (or the next) reads 0. */
    private boolean woken;

    @Override
    public void onHeaders(Response response) {
        head.complete(response);
    }

    @Override
    public void onContent(Response response, Content.Chunk c, Runnable demand) {
        if (!c.hasRemaining()) {
            demand.run();
            return;
        }
        lock.lock();
        try {
            if (!closed) {
                c.retain();
                chunk = c;
                demander = demand;
                arrived.signal();
                return;
            }
        } finally {
            lock.unlock();
        }
        // closed by the reader: nobody reads on, so the exchange is aborted (the future says only who aborted it)
        CompletableFuture<Boolean> unused = response.abort(new java.nio.channels.AsynchronousCloseException());
    }

    @Override
    public void onSuccess(Response response) {
        lock.lock();
        try {
            ended = true;
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onFailure(Response response, Throwable t) {
        fail(t);
    }

    @Override
    public void onComplete(Result result) {
        Throwable t = result.getFailure();
        if (t != null) {
            fail(t);
        }
        if (!head.isDone()) { // no exception is built for the usual end, after the head arrived
            head.completeExceptionally(t != null ? t : new IOException("the upstream response ended before its head"));
        }
    }

    private void fail(Throwable t) {
        lock.lock();
        try {
            if (failure == null) {
                failure = t;
            }
            dropChunk(); // the exchange is over: what was not read is let go, and no more is asked for
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The response once its head arrived. */
    Response awaitHead(long timeoutMillis) throws InterruptedException, TimeoutException, ExecutionException {
        return head.get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public int read(byte[] b, int off, int len, long waitNanos) throws IOException {
        if (len == 0) {
            return 0;
        }
        Runnable demand = null;
        int n;
        lock.lock();
        try {
            long left = waitNanos;
            while (true) {
                if (failure != null) {
                    throw failed(failure);
                }
                if (closed) {
                    throw new IOException("the upstream exchange was closed");
                }
                if (chunk != null) {
                    break;
                }
                if (ended) {
                    return -1;
                }
                if (waitNanos < 0) {
                    arrived.await();
                } else {
                    if (left <= 0 || woken) {
                        woken = false;
                        return 0;
                    }
                    left = arrived.awaitNanos(left);
                }
            }
            Content.Chunk c = java.util.Objects.requireNonNull(chunk);
            java.nio.ByteBuffer bytes = c.getByteBuffer();
            n = Math.min(len, bytes.remaining());
            bytes.get(b, off, n);
            if (!bytes.hasRemaining()) {
                c.release();
                chunk = null;
                demand = demander;
                demander = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the upstream body");
        } finally {
            lock.unlock();
        }
        if (demand != null) {
            demand.run(); // outside the lock: Jetty may deliver the next chunk on this thread
        }
        return n;
    }

    private static IOException failed(Throwable t) {
        return t instanceof IOException io ? io : new IOException(t.getMessage(), t);
    }

    /** A blocking stream over the body, for readers that wait as long as it takes. */
    InputStream stream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return UpstreamBody.this.read(b, off, len, -1);
            }

            @Override
            public void close() {
                UpstreamBody.this.close();
            }
        };
    }

    /** Ends a timed read that is waiting now, or the next one: it reads 0 (nothing yet) at once. */
    void wake() {
        lock.lock();
        try {
            woken = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Lets go of a chunk still held; a chunk arriving later aborts the response. Idempotent. */
    void close() {
        lock.lock();
        try {
            closed = true;
            dropChunk();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Releases a chunk still held, without asking for the next. Under the lock. */
    private void dropChunk() {
        Content.Chunk c = chunk;
        if (c != null) {
            c.release();
            chunk = null;
            demander = null;
        }
    }
}
