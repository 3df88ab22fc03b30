package dev.sluice.gateway.relay;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.provider.FrameReader;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.provider.SseReader;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.TranslationException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Relays one upstream stream to the client, frame by frame, with a flush per frame. A reader thread
 * parses upstream frames (SSE events or NDJSON lines) into a small bounded queue (back-pressure
 * reaches the upstream through Jetty's demand); the request thread translates each into the client's
 * dialect and writes it, sends {@code : ping} heartbeats when nothing was written for a while (so a
 * vanished client is noticed), enforces the idle deadline and ends the stream with an in-band error
 * in the client's dialect on any failure — never a fabricated message_stop or [DONE]; only an upstream
 * body that ends cleanly after its finish signal gets the client's terminator in place of its own.
 */
final class StreamRelay implements Drain.Terminable, AutoCloseable {

    static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;
    private static final long AFTER_STOP_GRACE_NANOS = 1_000_000_000L;
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    private sealed interface Item permits Event, End {}

    private record Event(SseEvent event) implements Item {}

    private record End(@Nullable Throwable failure) implements Item {}

    private final UpstreamCall call;
    private final Function<InputStream, FrameReader> frames;
    private final StreamTranslator translator;
    private final java.util.function.Consumer<byte[]> written;
    private final String requestId;
    private final Duration heartbeat;
    private final Duration idle;
    /** Upstream events waiting for the client: at most 32, and at most {@value #MAX_QUEUED_CHARS} characters
     *  of event data unless a single event is larger (it then waits alone). */
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(32);

    static final int MAX_QUEUED_CHARS = 1024 * 1024;
    /** Characters of event data the queue may still take; the reader waits for room, the writer frees it. */
    private final java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(MAX_QUEUED_CHARS);

    private final ClientConnection client;
    private volatile @Nullable String terminateReason;
    private volatile long firstWriteNanos;
    private volatile boolean closed;
    private @Nullable Thread reader;

    StreamRelay(
            UpstreamCall call,
            Function<InputStream, FrameReader> frames,
            StreamTranslator translator,
            String requestId,
            Duration heartbeat,
            Duration idle,
            java.util.function.Consumer<byte[]> written,
            ClientConnection client) {
        this.client = client;
        this.written = written;
        this.call = call;
        this.frames = frames;
        this.translator = translator;
        this.requestId = requestId;
        this.heartbeat = heartbeat;
        this.idle = idle;
    }

    /**
     * Relays until the stream ends; returns the outcome for the permit: {@link Outcome#DROPPED} when the
     * upstream stalled or outlived the total timeout, {@link Outcome#CANCELLED} when the client left.
     */
    Outcome relay(OutputStream out) {
        reader = Thread.ofVirtual().name("sluice-relay-" + requestId).start(this::readLoop);
        long pollMs = Math.max(10, Math.min(heartbeat.toMillis(), 250));
        long now = System.nanoTime();
        long lastWrite = now;
        long lastUpstream = now;
        boolean sawStop = false;
        try {
            while (true) {
                Item item = queue.poll(pollMs, TimeUnit.MILLISECONDS);
                now = System.nanoTime();
                String reason = terminateReason;
                if (reason != null) {
                    if (sawStop) {
                        return Outcome.SUCCESS; // the answer is complete: nothing is written after message_stop
                    }
                    call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, reason, null));
                    return fail(out, "overloaded_error", reason, Outcome.FAILURE); // Sluice's drain, no upstream's
                }
                if (item == null) {
                    if (sawStop && now - lastUpstream > AFTER_STOP_GRACE_NANOS) {
                        return Outcome.SUCCESS; // complete; an upstream that does not end its response is cut
                    }
                    if (!sawStop && now - lastUpstream > idle.toNanos()) {
                        call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "idle", null));
                        return fail( // the upstream timed out: a drop
                                out,
                                "timeout_error",
                                "upstream stalled: no event for " + idle.toMillis() + " ms",
                                Outcome.DROPPED);
                    }
                    if (!sawStop && now - lastWrite >= heartbeat.toNanos()) {
                        write(out, PING);
                        lastWrite = now;
                    }
                    continue;
                }
                if (item instanceof End end) {
                    if (sawStop) {
                        return Outcome.SUCCESS;
                    }
                    if (end.failure() == null && translator.finishSeen()) {
                        // a clean end after the finish signal and usage, only without the terminator: the
                        // answer is whole, so the client gets its own closing frames
                        byte[] closing = translator.closingFrames();
                        write(out, closing);
                        if (written != null) {
                            written.accept(closing);
                        }
                        return Outcome.SUCCESS;
                    }
                    return fail(
                            out,
                            endType(end.failure()),
                            endMessage(end.failure()),
                            timedOut(end.failure()) ? Outcome.DROPPED : Outcome.FAILURE);
                }
                SseEvent e = ((Event) item).event();
                room.release(weight(e));
                lastUpstream = now;
                if (sawStop) {
                    continue; // complete: anything after the terminator is read (connection reuse) but not sent
                }
                byte[] bytes;
                try {
                    bytes = translator.onFrame(e);
                } catch (TranslationException malformed) {
                    call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "malformed", null));
                    return fail(
                            out,
                            "api_error",
                            "upstream sent a malformed event: " + malformed.getMessage(),
                            Outcome.FAILURE);
                }
                if (bytes.length > 0) {
                    write(out, bytes);
                    if (written != null) {
                        written.accept(bytes); // the answer as sent, for the response cache
                    }
                    lastWrite = now;
                    if (firstWriteNanos == 0) {
                        firstWriteNanos = now;
                    }
                }
                if (translator.failed()) {
                    return Outcome.FAILURE; // the upstream's own in-band error, relayed in the client's dialect
                }
                if (translator.complete()) {
                    sawStop = true; // keep reading until the upstream ends so its connection is reused
                }
            }
        } catch (ClientGoneException gone) {
            call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "client went away", gone));
            return Outcome.CANCELLED;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "interrupted", interrupted));
            return Outcome.CANCELLED;
        }
    }

    /** Ends the stream with an in-band error; {@code outcome} is the permit's. */
    private Outcome fail(OutputStream out, String type, String message, Outcome outcome) throws ClientGoneException {
        write(out, translator.errorFrame(type, message));
        return outcome;
    }

    private static String endType(@Nullable Throwable failure) {
        return timedOut(failure) ? "timeout_error" : "api_error";
    }

    /** Whether the upstream body ended because the exchange outlived timeouts.total or went idle too long. */
    private static boolean timedOut(@Nullable Throwable failure) {
        if (failure == null) {
            return false;
        }
        UpstreamFailure.Kind kind = UpstreamCall.classify(failure).kind();
        return kind == UpstreamFailure.Kind.TOTAL_TIMEOUT || kind == UpstreamFailure.Kind.IDLE_TIMEOUT;
    }

    private static String endMessage(@Nullable Throwable failure) {
        if (failure == null) {
            return "upstream stream ended before the answer was complete (no end marker)";
        }
        if (failure instanceof SseReader.EventTooLargeException tooLarge) {
            return tooLarge.getMessage();
        }
        return UpstreamCall.classify(failure).getMessage();
    }

    /**
     * Writes and flushes one frame. A client that stops reading blocks the write once the socket's
     * buffers are full: if it is still blocked after the idle timeout, the connection watch closes the
     * socket, the write fails and the stream ends as cancelled (upstream aborted, permit released).
     */
    private void write(OutputStream out, byte[] bytes) throws ClientGoneException {
        client.writeStarts(System.nanoTime() + idle.toNanos());
        try {
            out.write(bytes);
            out.flush();
        } catch (java.io.IOException | RuntimeException e) {
            // Helidon reports a vanished client as ServerConnectionException / UncheckedIOException
            throw new ClientGoneException(e);
        } finally {
            client.writeDone();
        }
    }

    private void readLoop() {
        try {
            FrameReader events = frames.apply(call.body());
            while (!closed) {
                Optional<SseEvent> e = events.next();
                if (e.isEmpty()) {
                    break;
                }
                if (!put(new Event(e.get()))) {
                    return;
                }
            }
            put(new End(null));
        } catch (Throwable t) {
            put(new End(t));
        }
    }

    private boolean put(Item item) {
        int weight = item instanceof Event e ? weight(e.event()) : 0;
        try {
            while (!room.tryAcquire(weight, 100, TimeUnit.MILLISECONDS)) { // the client is behind: hold back
                if (closed) {
                    return false;
                }
            }
            while (!closed) {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            room.release(weight);
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** An event's share of the queue's room: its data, capped so that a larger event waits alone. */
    private static int weight(SseEvent e) {
        return Math.min(e.data().length(), MAX_QUEUED_CHARS);
    }

    /** When the first translated frame was written to the client (System.nanoTime), 0 if none yet. */
    long firstWriteNanos() {
        return firstWriteNanos;
    }

    @Override
    public void terminate(String reason) {
        terminateReason = reason;
    }

    /**
     * Aborts the upstream exchange unless it completed, stops the reader thread and waits for it (bounded).
     * An interrupt while waiting stays set on the thread rather than thrown.
     */
    @Override
    public void close() {
        closed = true;
        // abort first: a reader blocked in an upstream read returns at once, so the join below never waits
        call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "stream relay closed", null));
        Thread r = reader;
        if (r != null) {
            r.interrupt();
            try {
                r.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread()
                        .interrupt(); // AutoCloseable: close should not throw it; the caller sees the flag
            }
        }
        queue.clear();
    }

    /** The client's connection failed on write. */
    static final class ClientGoneException extends Exception {
        private static final long serialVersionUID = 1L;

        ClientGoneException(Throwable cause) {
            super("client went away", cause, false, false);
        }
    }
}
