package dev.sluice.gateway.realtime;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The messages on their way to one session's client, written by a virtual thread of their own so that a
 * client that does not read blocks only this writer. Bounded in bytes: {@link #offer} says whether the
 * upstream may be read again; while it may not ({@link #paused}), the writer lets it go on once the
 * client has read half of what waits. Pings ride the same queue, so they never jump ahead of a stalled write.
 */
final class ClientOutbox {

    /**
     * One message for the client: text, or binary. A class, not a record: the writer knows {@link #STOP} and
     * {@link #PING} by identity, and a record would compare its array by reference anyway.
     */
    static final class Message {
        private final @Nullable String text;
        private final byte[] binary; // empty for a text message

        private Message(@Nullable String text, byte[] binary) {
            this.text = text;
            this.binary = binary;
        }

        static Message text(String text) {
            return new Message(text, new byte[0]);
        }

        static Message binary(byte[] binary) {
            return new Message(null, binary);
        }

        /** The text, or null for a binary message. */
        @Nullable
        String text() {
            return text;
        }

        byte[] binary() {
            return binary;
        }

        int size() {
            return text != null ? text.length() : binary.length;
        }
    }

    /** What the writer tells its session. */
    interface Events {
        /** A message of {@code size} was written. */
        void written(int size);

        /** The client's socket failed under a write. */
        void failed();

        /** There is room again: read the upstream on. */
        void resume();
    }

    private static final Message STOP = Message.text("");
    private static final Message PING = Message.binary(new byte[0]);

    private final int maxBytes;
    private final Events events;
    private final LinkedBlockingQueue<Message> queue;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean pingQueued = new AtomicBoolean();
    private volatile boolean paused;
    private volatile long fullSinceNanos;
    private volatile long lastPingNanos;
    private volatile @Nullable Thread writer;

    ClientOutbox(int maxBytes, Events events) {
        this(maxBytes, events, new LinkedBlockingQueue<>());
    }

    /** With a queue of the caller's: tests use one whose {@code add} lets them order the writer against it. */
    ClientOutbox(int maxBytes, Events events, LinkedBlockingQueue<Message> queue) {
        this.maxBytes = maxBytes;
        this.events = events;
        this.queue = queue;
    }

    /** Starts the writer for {@code client}. */
    void start(WsSession client, String name) {
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> write(client));
        writer = t;
        t.start();
    }

    /** Queues {@code m}; true when there is still room (the upstream may be read on), false when it just filled. */
    boolean offer(Message m, long now) {
        long total = queued.addAndGet(m.size());
        boolean room = total < maxBytes;
        if (!room) {
            // paused before the message is published: the writer may take and write it at once, and must then
            // see the pause and resume the upstream (set after the add, a drained queue would never resume it)
            fullSinceNanos = now;
            paused = true;
        }
        queue.add(m);
        return room;
    }

    /** Queues a ping unless one waits or was queued within {@code everyNanos}. */
    void pingIfDue(long now, long everyNanos) {
        if (writer != null && now - lastPingNanos > everyNanos && pingQueued.compareAndSet(false, true)) {
            lastPingNanos = now;
            queue.add(PING);
        }
    }

    /** Whether it has been full (the upstream paused) for longer than {@code stallNanos} at {@code now}. */
    boolean stalled(long now, long stallNanos) {
        return paused && now - fullSinceNanos > stallNanos;
    }

    long queuedBytes() {
        return Math.max(0, queued.get());
    }

    /** Drops what waits; the writer ends after the message it may be writing. */
    void discard() {
        queue.clear();
        queue.add(STOP);
    }

    /** Drops what waits and ends the writer at once, also in the middle of a write. */
    void stop() {
        discard();
        stopWriter();
    }

    /** Interrupts the writer (a blocked write to a client that does not read ends with it). */
    void stopWriter() {
        Thread w = writer;
        if (w != null) {
            w.interrupt();
        }
    }

    private void write(WsSession client) {
        try {
            while (true) {
                Message m = queue.take();
                if (m == STOP) {
                    return;
                }
                if (m == PING) {
                    pingQueued.set(false);
                    client.ping(BufferData.empty());
                    continue;
                }
                String text = m.text();
                if (text != null) {
                    client.send(text, true);
                } else {
                    client.send(BufferData.create(m.binary()), true);
                }
                events.written(m.size());
                long left = queued.addAndGet(-m.size());
                if (paused && left <= maxBytes / 2) {
                    paused = false;
                    events.resume();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException clientGone) {
            events.failed();
        }
    }
}
