package dev.sluice.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One response from {@link SseTestClient#post}: its status and headers are read; its body is read
 * on demand, as server-sent events ({@link #next}, {@link #readAll}) or as text
 * ({@link #readBodyAsString}). Reading is for one thread; {@link #disconnect()} and
 * {@link #close()} may be called from any thread, and a read blocked at that moment ends as end of
 * stream. The socket is closed when the body ends and on {@code close()}, whichever comes first.
 */
public final class SseStream implements AutoCloseable {

    private static final int MAX_EVENTS = 100_000;
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    private static final int PREVIEW_CHARS = 500;

    private final Socket socket;
    private final DeadlineInput deadline;
    private final ResponseHead head;
    private final BodyInput body;
    private final String request;
    private final SseParser parser = new SseParser();
    private final AtomicBoolean socketClosed = new AtomicBoolean();
    private volatile boolean closedByCaller;
    private volatile boolean ended;
    private volatile @Nullable IOException transportError;
    private int events;

    SseStream(Socket socket, DeadlineInput deadline, ResponseHead head, BodyInput body, String request) {
        this.socket = socket;
        this.deadline = deadline;
        this.head = head;
        this.body = body;
        this.request = request;
    }

    public int status() {
        return head.status();
    }

    /** Response headers with lower-cased names; a repeated header's values joined by {@code ", "}. */
    public Map<String, String> headers() {
        return head.headers();
    }

    /**
     * The next event, or empty once the body has ended (cleanly or not: see {@link #endedCleanly()}).
     *
     * @throws AssertionError if no complete event arrives within {@code timeout}; the stream stays
     *     usable, so a test may wait again
     */
    public Optional<SseEvent> next(Duration timeout) {
        return nextBefore(
                System.nanoTime() + timeout.toNanos(), "no complete event within " + timeout.toMillis() + " ms");
    }

    /**
     * Every remaining event up to the end of the body.
     *
     * @throws AssertionError if the body does not end within {@code timeout}
     */
    public List<SseEvent> readAll(Duration timeout) {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        String failure = "stream did not end within " + timeout.toMillis() + " ms";
        List<SseEvent> all = new ArrayList<>();
        for (Optional<SseEvent> event = nextBefore(deadlineNanos, failure);
                event.isPresent();
                event = nextBefore(deadlineNanos, failure)) {
            if (all.size() == MAX_EVENTS) {
                throw new AssertionError(request + ": more than " + MAX_EVENTS + " events; is the stream endless?");
            }
            all.add(event.get());
        }
        return all;
    }

    /**
     * The rest of the body as UTF-8 text, for responses that are not event streams (error bodies).
     * Do not mix with {@link #next}: a partly parsed event line is not included.
     *
     * @throws AssertionError if the body does not end within {@code timeout}
     */
    public String readBodyAsString(Duration timeout) {
        requireOpen();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        if (ended) {
            return "";
        }
        deadline.expireAfter(timeout);
        byte[] buffer = new byte[8192];
        try {
            for (int n = body.read(buffer); n != -1; n = body.read(buffer)) {
                if (text.size() + n > MAX_BODY_BYTES) {
                    throw new AssertionError(request + ": body larger than " + MAX_BODY_BYTES + " bytes");
                }
                text.write(buffer, 0, n);
            }
            end(null);
        } catch (SocketTimeoutException e) {
            throw new AssertionError(
                    request + ": body did not end within " + timeout.toMillis() + " ms; received so far: "
                            + preview(text.toString(StandardCharsets.UTF_8)),
                    e);
        } catch (IOException e) {
            end(e);
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Comment lines seen so far (lines starting with {@code ':'}, e.g. heartbeats). */
    public int commentsSeen() {
        return parser.comments();
    }

    /**
     * True when the body has ended as its framing requires: the terminal zero-length chunk of a
     * chunked body, or every byte of a declared Content-Length. A body that simply stops when the
     * server closes the connection never ends cleanly.
     */
    public boolean endedCleanly() {
        return ended && body.endedCleanly();
    }

    /** Why the body ended early, when the connection failed (reset, malformed chunk) rather than closed. */
    public Optional<IOException> transportError() {
        return Optional.ofNullable(transportError);
    }

    /** Drops the connection abruptly: SO_LINGER 0, so the server sees a TCP reset, not a close. */
    public void disconnect() {
        closedByCaller = true;
        closeSocket(true);
    }

    /** Closes the connection normally; idempotent. */
    @Override
    public void close() {
        closedByCaller = true;
        closeSocket(false);
    }

    @Override
    public String toString() {
        return "SseStream[" + request + " -> " + head.status() + ", " + events + " events"
                + (ended ? ", ended" + (endedCleanly() ? " cleanly" : " early") : "") + "]";
    }

    private Optional<SseEvent> nextBefore(long deadlineNanos, String failure) {
        requireOpen();
        if (ended) {
            return Optional.empty();
        }
        deadline.expireAfter(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        try {
            Optional<SseEvent> event = parser.next(body);
            if (event.isPresent()) {
                events++;
            } else {
                end(null);
            }
            return event;
        } catch (SocketTimeoutException e) {
            throw new AssertionError(
                    request + ": " + failure + " (" + events + " events and " + parser.comments()
                            + " comments received so far)",
                    e);
        } catch (IOException e) {
            end(e);
            return Optional.empty();
        }
    }

    private void requireOpen() {
        if (closedByCaller && !ended) {
            throw new IllegalStateException(request + ": stream already closed by the test");
        }
    }

    private void end(@Nullable IOException cause) {
        ended = true;
        if (cause != null && !closedByCaller) {
            transportError = cause;
        }
        closeSocket(false);
    }

    private void closeSocket(boolean abrupt) {
        if (!socketClosed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (abrupt) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // Closing below is what matters; without linger 0 the peer sees a close instead of a reset.
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                // Nothing left to release.
            }
        }
    }

    private static String preview(String text) {
        return text.length() <= PREVIEW_CHARS ? "'" + text + "'" : "'" + text.substring(0, PREVIEW_CHARS) + "...'";
    }
}
