package dev.sluice.gateway.relay.stream;

import dev.sluice.gateway.translate.StreamTranslator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One attempt's frames on their way into the client's stream. The frames before the first content
 * (message_start, a block's start) are held back, up to {@value #MAX_HELD_BYTES} bytes: an attempt that fails
 * before content has shown the client nothing but comments, so another target can answer into the same
 * stream. Once content goes out (or the bound is passed) the attempt is committed and every frame is written as
 * it comes, each handed whole to {@code written} (the response cache, the session and the stored response read
 * frame by frame); the relay {@link #flush}es before it waits for the upstream, so frames that arrived together
 * leave in one write and no frame waits for one that has not arrived.
 */
final class ClientFrames {

    /** Frames before the first content held back at most: past it they go out and the attempt is committed. */
    static final int MAX_HELD_BYTES = 64 * 1024;

    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ClientStream client;
    private final StreamTranslator translator;
    private final Consumer<byte[]> written;
    private final LongSupplier nanoTime;
    private final List<byte[]> held = new ArrayList<>();

    private int heldBytes;
    private boolean committed;
    /** Frames written and not flushed yet. */
    private boolean unflushed;

    private volatile long firstWriteNanos;

    ClientFrames(ClientStream client, StreamTranslator translator, Consumer<byte[]> written, LongSupplier nanoTime) {
        this.client = client;
        this.translator = translator;
        this.written = written;
        this.nanoTime = nanoTime;
    }

    /** Frames go out once content did; until then (and up to the bound) they are held back. */
    void send(byte[] bytes) throws StreamRelay.ClientGoneException {
        if (!committed && !translator.contentDelivered() && heldBytes + bytes.length <= MAX_HELD_BYTES) {
            held.add(bytes);
            heldBytes += bytes.length;
            return;
        }
        flushHeld();
        write(bytes);
    }

    /** Commits the attempt: what was held back goes out. */
    void flushHeld() throws StreamRelay.ClientGoneException {
        if (!committed) {
            committed = true;
            for (byte[] frame : held) {
                write(frame);
            }
            held.clear();
            heldBytes = 0;
        }
    }

    /** A {@code : ping} comment, which no SSE client shows: how a vanished client is noticed. */
    void ping() throws StreamRelay.ClientGoneException {
        client.write(PING);
        unflushed = false;
    }

    /** Sends the frames written since the last flush. */
    void flush() throws StreamRelay.ClientGoneException {
        if (unflushed) {
            client.flush();
            unflushed = false;
        }
    }

    /** Whether this attempt's frames reached the client. */
    boolean committed() {
        return committed;
    }

    /** When the first frame was written to the client (the ticker's time), 0 if none yet. */
    long firstWriteNanos() {
        return firstWriteNanos;
    }

    private void write(byte[] bytes) throws StreamRelay.ClientGoneException {
        if (bytes.length == 0) {
            return;
        }
        client.writeLater(bytes);
        unflushed = true;
        written.accept(bytes); // the answer as sent, for the response cache, the session, the stored response
        if (firstWriteNanos == 0) {
            firstWriteNanos = nanoTime.getAsLong();
        }
    }
}
