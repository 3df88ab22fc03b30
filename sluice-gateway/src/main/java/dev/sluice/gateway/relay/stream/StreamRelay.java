package dev.sluice.gateway.relay.stream;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.provider.ByteSource;
import dev.sluice.gateway.provider.FrameReader;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.TranslationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Relays one upstream stream to the client, frame by frame, all on the request's thread: it reads the
 * upstream's frames through {@link UpstreamEvents} (each read waits at most until the next deadline or heartbeat
 * is due), translates each into the client's dialect and writes it through {@link ClientFrames} (frames that
 * arrived together go out in one write, flushed before the relay waits for more), sends {@code : ping}
 * heartbeats when nothing was written for a while (so a vanished client is noticed), and enforces the
 * first-token and idle deadlines. The frames before the first content (message_start, a block's start) are
 * held back: an attempt that fails before content has shown the client nothing but comments, so another
 * target can answer into the same stream. A
 * failure is returned as a {@link StreamBreak}, never written here: the caller either continues the answer
 * on another target or ends the stream with an in-band error — never a fabricated message_stop or
 * [DONE]; only an upstream body that ends cleanly after its finish signal gets the client's terminator
 * in place of its own.
 */
public final class StreamRelay implements Drain.Terminable, AutoCloseable {

    public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private static final long AFTER_STOP_GRACE_NANOS = 1_000_000_000L;

    /** How the relay ended: the outcome, and for a failure its break. */
    public record Relayed(Outcome outcome, @Nullable StreamBreak broke) {}

    /** The relay's settings from the configuration. */
    public record Settings(Duration heartbeat, Duration idle, Duration firstToken, boolean skipMalformed) {}

    private final UpstreamCall call;
    private final UpstreamEvents upstream;
    private final StreamTranslator translator;
    private final ClientFrames out;
    private final Runnable skipped;
    private final String requestId;
    private final Settings settings;
    private final LongSupplier nanoTime;
    private volatile @Nullable String terminateReason;

    public StreamRelay(
            UpstreamCall call,
            Function<ByteSource, FrameReader> frames,
            StreamTranslator translator,
            String requestId,
            Settings settings,
            Consumer<byte[]> written,
            Runnable skipped,
            ClientStream client,
            LongSupplier nanoTime) {
        this.call = call;
        this.upstream = new UpstreamEvents(call, frames);
        this.translator = translator;
        this.out = new ClientFrames(client, translator, written, nanoTime);
        this.skipped = skipped;
        this.requestId = requestId;
        this.settings = settings;
        this.nanoTime = nanoTime;
    }

    /** Relays until the stream ends. */
    public Relayed relay() {
        Duration heartbeat = settings.heartbeat();
        Duration idle = settings.idle();
        long longestWaitMs = Math.max(10, heartbeat.toMillis());
        long firstTokenNanos = settings.firstToken().toNanos();
        long start = nanoTime.getAsLong();
        long now = start;
        long lastWrite = now;
        long lastUpstream = now;
        boolean sawStop = false;
        try {
            while (true) {
                UpstreamEvents.Item item = upstream.poll(0); // what already arrived goes out in one write
                if (item == null) {
                    out.flush(); // nothing more yet: what was written goes out before the wait
                    long t = nanoTime.getAsLong();
                    long due = sawStop
                            ? lastUpstream + AFTER_STOP_GRACE_NANOS
                            : Math.min(
                                    Math.min(lastWrite + heartbeat.toNanos(), lastUpstream + idle.toNanos()),
                                    translator.contentDelivered() ? Long.MAX_VALUE : start + firstTokenNanos);
                    // wakes when the next deadline or heartbeat is due (terminate() wakes it sooner), not on a beat
                    item = upstream.poll(Math.min(longestWaitMs, Math.max(1, (due - t + 999_999) / 1_000_000)));
                }
                now = nanoTime.getAsLong();
                String reason = terminateReason;
                if (reason != null) {
                    if (sawStop) {
                        out.flushHeld();
                        return succeeded(); // the answer is complete: nothing is written after message_stop
                    }
                    call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, reason, null));
                    return broke(new StreamBreak("overloaded_error", reason, null, !out.committed(), false, true));
                }
                if (item == null) {
                    if (sawStop && now - lastUpstream > AFTER_STOP_GRACE_NANOS) {
                        return succeeded(); // complete; an upstream that does not end its response is cut
                    }
                    if (!sawStop
                            && !translator.contentDelivered()
                            && now - start > settings.firstToken().toNanos()) {
                        call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "first token", null));
                        return broke(StreamBreak.deadline(
                                "no content from the upstream within timeouts.first-token ("
                                        + settings.firstToken().toMillis() + " ms)",
                                !out.committed()));
                    }
                    if (!sawStop && now - lastUpstream > idle.toNanos()) {
                        call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "idle", null));
                        return broke(StreamBreak.deadline(
                                "upstream stalled: no event for " + idle.toMillis() + " ms", !out.committed()));
                    }
                    if (!sawStop && now - lastWrite >= heartbeat.toNanos()) {
                        out.ping();
                        lastWrite = now;
                    }
                    continue;
                }
                if (item instanceof UpstreamEvents.End end) {
                    if (sawStop) {
                        return succeeded();
                    }
                    if (end.failure() == null && translator.finishSeen()) {
                        // a clean end after the finish signal and usage, only without the terminator: the
                        // answer is whole, so the client gets its own closing frames
                        out.send(translator.closingFrames());
                        out.flushHeld();
                        return succeeded();
                    }
                    return broke(StreamBreak.ended(end.failure(), !out.committed()));
                }
                SseEvent e = ((UpstreamEvents.Event) item).event();
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
                    return broke(new StreamBreak(
                            "api_error",
                            "upstream sent a malformed event: " + malformed.getMessage(),
                            null,
                            !out.committed(),
                            false,
                            false));
                }
                if (translator.failed()) {
                    // the upstream's own in-band error, already in the client's dialect: the caller sends it
                    // unless another target continues the answer
                    return broke(new StreamBreak(
                            "api_error",
                            "upstream error",
                            new String(bytes, StandardCharsets.UTF_8),
                            !out.committed(),
                            false,
                            false));
                }
                if (bytes.length > 0) {
                    out.send(bytes);
                    if (out.committed()) {
                        lastWrite = now;
                    }
                }
                if (translator.complete()) {
                    out.flushHeld();
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

    /** The answer is complete: what is still unflushed goes out (a client gone meanwhile is told as such). */
    private Relayed succeeded() throws ClientGoneException {
        out.flush();
        return done(Outcome.SUCCESS);
    }

    private static Relayed done(Outcome o) {
        return new Relayed(o, null);
    }

    private static Relayed broke(StreamBreak b) {
        return new Relayed(Outcome.FAILURE, b);
    }

    /** When the first translated frame was written to the client (the ticker's time), 0 if none yet. */
    public long firstWriteNanos() {
        return out.firstWriteNanos();
    }

    @Override
    public void terminate(String reason) {
        terminateReason = reason;
        call.wake(); // a relay waiting for the upstream sees it now, not when its wait ends
    }

    /** Aborts the upstream exchange unless it completed. */
    @Override
    public void close() {
        upstream.close();
    }

    /** The client's connection failed on write. */
    public static final class ClientGoneException extends Exception {
        private static final long serialVersionUID = 1L;

        ClientGoneException(Throwable cause) {
            super("client went away", cause, false, false);
        }
    }
}
