package dev.sluice.gateway.relay.stream;

import dev.sluice.gateway.provider.FrameReader;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The upstream side of one relayed stream: a reader thread parses the upstream body into frames (SSE events
 * or NDJSON lines) and puts them into a small bounded queue the request thread takes them from. The queue
 * holds at most 32 events and at most {@value #MAX_QUEUED_CHARS} characters of event data (a larger event
 * waits alone), so a client that is behind holds back the reader and, through Jetty's demand, the upstream.
 */
final class UpstreamEvents implements AutoCloseable {

    static final int MAX_QUEUED_CHARS = 1024 * 1024;

    /** What the reader hands over: an event, or the end of the body. */
    sealed interface Item permits Event, End {}

    record Event(SseEvent event) implements Item {}

    /** The body ended: cleanly ({@code failure} null) or with the failure that ended it. */
    record End(@Nullable Throwable failure) implements Item {}

    private final UpstreamCall call;
    private final Function<InputStream, FrameReader> frames;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(32);
    /** Characters of event data the queue may still take; the reader waits for room, the taker frees it. */
    private final Semaphore room = new Semaphore(MAX_QUEUED_CHARS);

    private volatile boolean closed;
    private @Nullable Thread reader;

    UpstreamEvents(UpstreamCall call, Function<InputStream, FrameReader> frames) {
        this.call = call;
        this.frames = frames;
    }

    /** Starts the reader thread. */
    void start(String threadName) {
        reader = Thread.ofVirtual().name(threadName).start(this::readLoop);
    }

    /** The next item, or null when none came within {@code waitMillis}; an event's room is freed as it is taken. */
    @Nullable
    Item poll(long waitMillis) throws InterruptedException {
        Item item = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (item instanceof Event e) {
            room.release(weight(e.event()));
        }
        return item;
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
}
