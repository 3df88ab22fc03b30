package dev.sluice.gateway.provider;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
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
 * as copies of Jetty's chunks. A chunk is copied when it arrives and the next is asked for at once, on Jetty's
 * own thread, while less than {@link #MAX_AHEAD} bytes wait unread; past that Jetty is asked only once the reader
 * has caught up, so a reader that is behind holds the upstream back through TCP with a bounded amount read
 * ahead. (Asking from the reader's thread after every chunk cost a wake-up of Jetty's selector per chunk: a
 * system call to wake it and one to re-arm the socket, issue 20.) A read can wait for a bounded time
 * ({@link #read(byte[], int, int, long)}), so the thread that relays a stream also keeps its deadlines and
 * heartbeats without a second thread reading for it; this replaced Jetty's {@code InputStreamResponseListener}
 * and the per-stream reader thread (issue 20).
 */
final class UpstreamBody implements Response.Listener, ByteSource {

    private final CompletableFuture<Response> head = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();

    /** Bytes read ahead of the reader at most (plus one chunk): past this, Jetty is asked for more only on a read. */
    static final int MAX_AHEAD = 64 * 1024;

    // guarded by lock
    private final ArrayDeque<byte[]> held = new ArrayDeque<>(4);
    private int heldBytes;
    /** How far the first held array has been read. */
    private int headOffset;
    /** Jetty's demand, kept while too much is held; null when Jetty was asked already. */
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
        boolean askNow;
        boolean wasClosed;
        lock.lock();
        try {
            wasClosed = closed;
            if (!closed) {
                ByteBuffer bytes = c.getByteBuffer();
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                held.addLast(copy);
                heldBytes += copy.length;
                askNow = heldBytes < MAX_AHEAD;
                demander = askNow ? null : demand;
                arrived.signal();
            } else {
                askNow = false;
            }
        } finally {
            lock.unlock();
        }
        if (askNow) {
            demand.run(); // on Jetty's thread: the next chunk is read without waking the selector
        } else if (wasClosed) {
            // closed by the reader: nobody reads on, so the exchange is aborted (the future says only who aborted it)
            CompletableFuture<Boolean> unused = response.abort(new java.nio.channels.AsynchronousCloseException());
        }
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
            demander = null; // the exchange is over: nothing more is asked for; what arrived is still read
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
                if (closed) {
                    throw new IOException("the upstream exchange was closed");
                }
                if (heldBytes > 0) {
                    break; // what arrived before a failure is read first, as from a socket
                }
                if (failure != null) {
                    throw failed(failure);
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
            n = take(b, off, len);
            if (demander != null && heldBytes < MAX_AHEAD / 2) {
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

    /** Up to {@code len} held bytes into {@code b}; at least one is held. Under the lock. */
    private int take(byte[] b, int off, int len) {
        int n = 0;
        while (n < len && heldBytes > 0) {
            byte[] first = java.util.Objects.requireNonNull(held.peekFirst());
            int k = Math.min(len - n, first.length - headOffset);
            System.arraycopy(first, headOffset, b, off + n, k);
            n += k;
            headOffset += k;
            heldBytes -= k;
            if (headOffset == first.length) {
                held.pollFirst();
                headOffset = 0;
            }
        }
        return n;
    }

    /** Bytes read from the upstream and not yet by the reader. */
    int heldBytes() {
        lock.lock();
        try {
            return heldBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Lets go of what is held, without asking for more. Under the lock. */
    private void dropChunk() {
        held.clear();
        heldBytes = 0;
        headOffset = 0;
        demander = null;
    }
}
