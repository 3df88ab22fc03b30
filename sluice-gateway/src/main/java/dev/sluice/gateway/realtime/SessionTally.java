package dev.sluice.gateway.realtime;

import dev.sluice.gateway.translate.Usage;
import java.util.concurrent.atomic.AtomicLong;

/** What one session relayed: messages and bytes each way, when the first reached the client, the usage summed. */
final class SessionTally {
    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong framesOut = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private volatile Usage usage = Usage.NONE;
    private volatile long firstByteNanos;

    /** Bytes of a client message arrived; {@code whole} when they ended a message. */
    void fromClient(int bytes, boolean whole) {
        bytesIn.addAndGet(bytes);
        if (whole) {
            framesIn.incrementAndGet();
        }
    }

    /** A message went to the client at {@code now}. */
    void toClient(int bytes, long now) {
        if (firstByteNanos == 0) {
            firstByteNanos = now;
        }
        framesOut.incrementAndGet();
        bytesOut.addAndGet(bytes);
    }

    /** An upstream event: its {@code response.done} usage, if any, is added. Called by one thread at a time. */
    void upstreamEvent(String text) {
        usage = RealtimeUsage.add(usage, text);
    }

    Usage usage() {
        return usage;
    }

    long firstByteNanos() {
        return firstByteNanos;
    }

    long framesIn() {
        return framesIn.get();
    }

    long framesOut() {
        return framesOut.get();
    }

    long bytesIn() {
        return bytesIn.get();
    }

    long bytesOut() {
        return bytesOut.get();
    }
}
