package dev.sluice.gateway.relay;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.provider.FrameReader;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.provider.SseReader;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.TranslationException;
import java.io.InputStream;
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
 * vanished client is noticed), and enforces the first-token and idle deadlines. The frames before the
 * first content (message_start, a block's start) are held back: an attempt that fails before content
 * has shown the client nothing but comments, so another target can answer into the same stream. A
 * failure is returned as a {@link Break}, never written here: the caller either continues the answer
 * on another target or ends the stream with an in-band error — never a fabricated message_stop or
 * [DONE]; only an upstream body that ends cleanly after its finish signal gets the client's terminator
 * in place of its own.
 */
final class StreamRelay implements Drain.Terminable, AutoCloseable {

    static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;
    /** Frames before the first content held back at most: past it they go out and the attempt is committed. */
    static final int MAX_HELD_BYTES = 64 * 1024;

    private static final long AFTER_STOP_GRACE_NANOS = 1_000_000_000L;
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    private sealed interface Item permits Event, End {}

    private record Event(SseEvent event) implements Item {}

    private record End(@Nullable Throwable failure) implements Item {}

    /** How the relay ended: the outcome, and for a failure its break. */
    record Relayed(Outcome outcome, @Nullable Break broke) {}

    /**
     * A stream that failed.
     *
     * @param type the Anthropic error type for the client's in-band error
     * @param ownError the upstream's own in-band error, translated, to send instead of one made of type and message
     * @param beforeContent none of this attempt's frames reached the client
     * @param timeout a deadline ended it (first token, idle): the breaker counts a timeout
     * @param last no other attempt may follow (Sluice is draining)
     */
    record Break(
            String type,
            String message,
            @Nullable String ownError,
            boolean beforeContent,
            boolean timeout,
            boolean last) {}

    /** The relay's settings from the configuration. */
    record Settings(Duration heartbeat, Duration idle, Duration firstToken, boolean skipMalformed) {}

    private final UpstreamCall call;
    private final Function<InputStream, FrameReader> frames;
    private final StreamTranslator translator;
    private final java.util.function.Consumer<byte[]> written;
    private final Runnable skipped;
    private final String requestId;
    private final Settings settings;
    /** Upstream events waiting for the client: at most 32, and at most {@value #MAX_QUEUED_CHARS} characters
     *  of event data unless a single event is larger (it then waits alone). */
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(32);

    static final int MAX_QUEUED_CHARS = 1024 * 1024;
    /** Characters of event data the queue may still take; the reader waits for room, the writer frees it. */
    private final java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(MAX_QUEUED_CHARS);

    private final ClientStream client;
    /** Frames held back, each kept whole: the cache, the session and the stored response read frame by frame. */
    private final java.util.ArrayList<byte[]> held = new java.util.ArrayList<>();

    private int heldBytes;
    private boolean committed;
    private volatile @Nullable String terminateReason;
    private volatile long firstWriteNanos;
    private volatile boolean closed;
    private @Nullable Thread reader;

    StreamRelay(
            UpstreamCall call,
            Function<InputStream, FrameReader> frames,
            StreamTranslator translator,
            String requestId,
            Settings settings,
            java.util.function.Consumer<byte[]> written,
            Runnable skipped,
            ClientStream client) {
        this.client = client;
        this.written = written;
        this.skipped = skipped;
        this.call = call;
        this.frames = frames;
        this.translator = translator;
        this.requestId = requestId;
        this.settings = settings;
    }

    /** Relays until the stream ends. */
    Relayed relay() {
        reader = Thread.ofVirtual().name("sluice-relay-" + requestId).start(this::readLoop);
        Duration heartbeat = settings.heartbeat();
        Duration idle = settings.idle();
        long pollMs = Math.max(10, Math.min(heartbeat.toMillis(), 250));
        long start = System.nanoTime();
        long now = start;
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
                        flushHeld();
                        return done(Outcome.SUCCESS); // the answer is complete: nothing is written after message_stop
                    }
                    call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, reason, null));
                    return broke(new Break("overloaded_error", reason, null, !committed, false, true));
                }
                if (item == null) {
                    if (sawStop && now - lastUpstream > AFTER_STOP_GRACE_NANOS) {
                        return done(Outcome.SUCCESS); // complete; an upstream that does not end its response is cut
                    }
                    if (!sawStop
                            && !translator.contentDelivered()
                            && now - start > settings.firstToken().toNanos()) {
                        call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "first token", null));
                        return broke(new Break(
                                "timeout_error",
                                "no content from the upstream within timeouts.first-token ("
                                        + settings.firstToken().toMillis() + " ms)",
                                null,
                                !committed,
                                true,
                                false));
                    }
                    if (!sawStop && now - lastUpstream > idle.toNanos()) {
                        call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "idle", null));
                        return broke(new Break(
                                "timeout_error",
                                "upstream stalled: no event for " + idle.toMillis() + " ms",
                                null,
                                !committed,
                                true,
                                false));
                    }
                    if (!sawStop && now - lastWrite >= heartbeat.toNanos()) {
                        client.write(PING);
                        lastWrite = now;
                    }
                    continue;
                }
                if (item instanceof End end) {
                    if (sawStop) {
                        return done(Outcome.SUCCESS);
                    }
                    if (end.failure() == null && translator.finishSeen()) {
                        // a clean end after the finish signal and usage, only without the terminator: the
                        // answer is whole, so the client gets its own closing frames
                        send(translator.closingFrames());
                        flushHeld();
                        return done(Outcome.SUCCESS);
                    }
                    return broke(new Break(
                            endType(end.failure()),
                            endMessage(end.failure()),
                            null,
                            !committed,
                            timedOut(end.failure()),
                            false));
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
                    if (settings.skipMalformed()) {
                        skipped.run();
                        System.getLogger("sluice.relay")
                                .log(
                                        System.Logger.Level.WARNING,
                                        "request " + requestId + ": skipped a malformed upstream event ("
                                                + malformed.getMessage() + ")");
                        continue;
                    }
                    call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "malformed", null));
                    return broke(new Break(
                            "api_error",
                            "upstream sent a malformed event: " + malformed.getMessage(),
                            null,
                            !committed,
                            false,
                            false));
                }
                if (translator.failed()) {
                    // the upstream's own in-band error, already in the client's dialect: the caller sends it
                    // unless another target continues the answer
                    return broke(new Break(
                            "api_error",
                            "upstream error",
                            new String(bytes, StandardCharsets.UTF_8),
                            !committed,
                            false,
                            false));
                }
                if (bytes.length > 0) {
                    send(bytes);
                    if (committed) {
                        lastWrite = now;
                    }
                }
                if (translator.complete()) {
                    flushHeld();
                    sawStop = true; // keep reading until the upstream ends so its connection is reused
                }
            }
        } catch (ClientGoneException gone) {
            call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "client went away", gone));
            return done(Outcome.CANCELLED);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "interrupted", interrupted));
            return done(Outcome.CANCELLED);
        }
    }

    /** Frames go out once content did; until then (and up to a bound) they are held back. */
    private void send(byte[] bytes) throws ClientGoneException {
        if (!committed && !translator.contentDelivered() && heldBytes + bytes.length <= MAX_HELD_BYTES) {
            held.add(bytes);
            heldBytes += bytes.length;
            return;
        }
        flushHeld();
        write(bytes);
    }

    private void flushHeld() throws ClientGoneException {
        if (!committed) {
            committed = true;
            for (byte[] frame : held) {
                write(frame);
            }
            held.clear();
            heldBytes = 0;
        }
    }

    private void write(byte[] bytes) throws ClientGoneException {
        if (bytes.length == 0) {
            return;
        }
        client.write(bytes);
        written.accept(bytes); // the answer as sent, for the response cache, the session, the stored response
        if (firstWriteNanos == 0) {
            firstWriteNanos = System.nanoTime();
        }
    }

    private static Relayed done(Outcome o) {
        return new Relayed(o, null);
    }

    private static Relayed broke(Break b) {
        return new Relayed(Outcome.FAILURE, b);
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
