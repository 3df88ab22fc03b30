package dev.sluice.gateway.realtime;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.translate.Usage;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One realtime session: a client WebSocket (Helidon) and an upstream one (the JDK client), frames relayed
 * both ways as they are. Towards the client, messages wait in a queue bounded by {@code realtime.queue-size}
 * bytes, written by the session's own virtual thread; while it is full the upstream is not read (its
 * {@code request(1)} waits), so nothing is dropped and nothing grows, and a client that stays full for
 * {@code realtime.stall-timeout} is closed 1013. Towards the upstream, each client message is sent before the
 * next is read (the client's TCP window is the queue). Ends exactly once ({@link #close}): both sides closed
 * with a code and a reason, the writer stopped, and its {@link Sessions} told, which releases the rest.
 */
final class RealtimeSession implements WebSocket.Listener {

    /** How a session ended, for the access log and metrics. */
    record End(int code, String reason, Outcome outcome) {
    }

    private record Outbound(String text, byte[] binary) {
        int size() {
            return text != null ? text.length() : binary.length;
        }
    }

    private static final Outbound STOP = new Outbound("", null);
    /** A ping for the client, so its pong keeps the listener from closing a quiet-but-alive connection. */
    private static final Outbound PING = new Outbound(null, new byte[0]);

    final String id;
    final Sessions.Admitted admitted;
    private final Sessions owner;
    private final int maxMessage;
    private final int queueBytes;
    private final long startNanos;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LinkedBlockingQueue<Outbound> toClient = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong framesFromClient = new AtomicLong();
    private final AtomicLong framesToClient = new AtomicLong();
    private final AtomicLong bytesFromClient = new AtomicLong();
    private final AtomicLong bytesToClient = new AtomicLong();
    private final StringBuilder upstreamText = new StringBuilder();
    private final java.io.ByteArrayOutputStream upstreamBinary = new java.io.ByteArrayOutputStream();
    private volatile WebSocket upstream;
    private volatile WsSession client;
    private volatile Thread writer;
    private volatile long lastMessageNanos;
    private volatile long fullSinceNanos;
    private volatile boolean paused;
    private volatile Usage usage = Usage.NONE;
    private volatile long firstByteNanos;
    private volatile End end;
    private final AtomicBoolean pingQueued = new AtomicBoolean();
    private volatile long lastPingNanos;
    private long clientMessageBytes;

    RealtimeSession(String id, Sessions.Admitted admitted, Sessions owner, int maxMessage, int queueBytes,
                    long nowNanos) {
        this.id = id;
        this.admitted = admitted;
        this.owner = owner;
        this.maxMessage = maxMessage;
        this.queueBytes = queueBytes;
        this.startNanos = nowNanos;
        this.lastMessageNanos = nowNanos;
    }

    /** The upstream socket, once dialed (this session is its listener from the start). */
    void upstream(WebSocket ws) {
        this.upstream = ws;
        if (closed.get()) {
            ws.abort(); // ended while it was being dialed
        }
    }

    /** The client's socket is open: the writer starts and the upstream is read. */
    void open(WsSession session) {
        this.client = session;
        Thread t = Thread.ofVirtual().name("realtime-writer-" + id).unstarted(this::writeToClient);
        writer = t;
        t.start();
        if (closed.get()) {
            t.interrupt();
        }
        WebSocket ws = upstream;
        if (ws != null) {
            ws.request(1);
        }
    }

    // ---- upstream -> client ----

    @Override
    public void onOpen(WebSocket ws) {
        // reading starts when the client's socket is open (see open)
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        upstreamText.append(data);
        if (upstreamText.length() > maxMessage) {
            close(1011, "upstream sent a message larger than realtime.max-message-size", Outcome.FAILURE);
            return null;
        }
        if (last) {
            String text = upstreamText.toString();
            upstreamText.setLength(0);
            usage = RealtimeUsage.add(usage, text);
            enqueue(new Outbound(text, null));
        } else {
            ws.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] part = new byte[data.remaining()];
        data.get(part);
        upstreamBinary.writeBytes(part);
        if (upstreamBinary.size() > maxMessage) {
            close(1011, "upstream sent a message larger than realtime.max-message-size", Outcome.FAILURE);
            return null;
        }
        if (last) {
            byte[] message = upstreamBinary.toByteArray();
            upstreamBinary.reset();
            enqueue(new Outbound(null, message));
        } else {
            ws.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        boolean normal = code == 1000 || code == 1001;
        close(normal ? 1000 : 1011, "upstream closed the session (" + code + (reason.isBlank() ? "" : " " + reason)
                + ")", normal ? Outcome.SUCCESS : Outcome.FAILURE);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        close(1011, "upstream connection failed: " + plain(error), Outcome.FAILURE);
    }

    private void enqueue(Outbound m) {
        long now = owner.now();
        lastMessageNanos = now;
        if (closed.get()) {
            return;
        }
        long total = queued.addAndGet(m.size());
        toClient.add(m);
        if (total < queueBytes) {
            upstream.request(1);
        } else {
            fullSinceNanos = now;
            paused = true; // the writer asks for more once the client has read half of it
        }
    }

    private void writeToClient() {
        try {
            while (!closed.get()) {
                Outbound m = toClient.take();
                if (m == STOP) {
                    return;
                }
                if (m == PING) {
                    pingQueued.set(false);
                    client.ping(BufferData.empty());
                    continue;
                }
                if (m.text() != null) {
                    client.send(m.text(), true);
                } else {
                    client.send(BufferData.create(m.binary()), true);
                }
                if (firstByteNanos == 0) {
                    firstByteNanos = owner.now();
                }
                framesToClient.incrementAndGet();
                bytesToClient.addAndGet(m.size());
                owner.metrics().frame(false, m.size());
                long left = queued.addAndGet(-m.size());
                if (paused && left <= queueBytes / 2) {
                    paused = false;
                    upstream.request(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException clientGone) {
            close(1006, "the client's connection failed", Outcome.CANCELLED);
        }
    }

    // ---- client -> upstream ----

    void fromClient(String text, boolean last) {
        if (count(text.length(), last)) {
            send(() -> upstream.sendText(text, last));
        }
    }

    void fromClient(BufferData data, boolean last) {
        byte[] bytes = new byte[data.available()];
        data.read(bytes);
        if (count(bytes.length, last)) {
            send(() -> upstream.sendBinary(ByteBuffer.wrap(bytes), last));
        }
    }

    /** Counts a client frame; false (and the session closed 1009) when its message grew past the bound. */
    private boolean count(int size, boolean last) {
        lastMessageNanos = owner.now();
        clientMessageBytes += size;
        if (clientMessageBytes > maxMessage) {
            close(1009, "message larger than realtime.max-message-size (" + maxMessage + " bytes)", Outcome.FAILURE);
            return false;
        }
        if (last) {
            clientMessageBytes = 0;
            framesFromClient.incrementAndGet();
        }
        bytesFromClient.addAndGet(size);
        owner.metrics().frame(true, size);
        return !closed.get();
    }

    /** Sends to the upstream and waits for it: the next client frame is read only after this one went. */
    private void send(java.util.function.Supplier<java.util.concurrent.CompletableFuture<WebSocket>> sending) {
        try {
            sending.get().get(owner.stallTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close(1011, "the upstream did not take a message within realtime.stall-timeout", Outcome.FAILURE);
        } catch (ExecutionException | RuntimeException e) {
            close(1011, "upstream connection failed: " + plain(e.getCause() != null ? e.getCause() : e), Outcome.FAILURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(1001, "Sluice is stopping", Outcome.CANCELLED);
        }
    }

    /** The client closed (or its connection ended): the upstream is closed too. */
    void clientClosed(int code, String reason) {
        close(code == 1000 || code == 1001 ? 1000 : code, "client closed (" + code + " " + reason + ")",
                code == 1000 || code == 1001 ? Outcome.SUCCESS : Outcome.CANCELLED, true);
    }

    // ---- ending ----

    /**
     * Ends the session once, whoever asks first: the client gets {@code code} and {@code reason} (cut to the
     * 123 bytes a close frame carries), the upstream a normal close with the same reason, then its socket is
     * let go; the writer stops and the owner releases the permit, the key's slot and records the end.
     */
    void close(int code, String reason, Outcome outcome) {
        close(code, reason, outcome, false);
    }

    /**
     * @param inline tell the client on this thread: only its own connection's thread may (the close answering
     *        the client's close frame must be sent before Helidon, on return, closes the socket); any other
     *        caller (the reaper, shutdown, the upstream's listener) must not wait for the client's socket
     */
    private void close(int code, String reason, Outcome outcome, boolean inline) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        String why = Sessions.closeReason(reason);
        end = new End(code, why, outcome);
        WsSession c = client;
        Thread w = writer;
        toClient.clear();
        toClient.add(STOP);
        WebSocket u = upstream;
        if (u != null) {
            try {
                u.sendClose(WebSocket.NORMAL_CLOSURE, why).orTimeout(1, TimeUnit.SECONDS)
                        .whenComplete((ws, t) -> u.abort());
            } catch (RuntimeException alreadyClosed) {
                u.abort();
            }
        }
        // released first: WsSession.close takes the connection's send lock, which the writer holds while it is
        // blocked writing to a client that does not read; the owner's cut (after a grace) ends such a write
        owner.ended(this);
        Runnable tellClient = () -> {
            if (c != null && code != 1006) {
                try {
                    c.close(code, why);
                } catch (RuntimeException clientGone) {
                    // nobody to tell
                }
            }
            if (w != null) {
                w.interrupt(); // after the close frame went, so a frame it was sending completes
            }
        };
        if (inline) {
            tellClient.run();
        } else {
            Thread.ofVirtual().name("realtime-close-" + id).start(tellClient);
        }
    }

    /** A dial that failed: the session never was; it leaves the registry without an end of its own. */
    void abandon() {
        if (closed.compareAndSet(false, true)) {
            owner.abandoned(this);
        }
    }

    /** Queues a ping for the client unless one is queued or was sent within {@code everyNanos}. */
    void pingIfDue(long now, long everyNanos) {
        if (client != null && now - lastPingNanos > everyNanos && pingQueued.compareAndSet(false, true)) {
            lastPingNanos = now;
            toClient.add(PING);
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    End end() {
        return end;
    }

    /** Whether it is due for reaping at {@code now}, and why; null when it is not. */
    String overdue(long now, long idleNanos, long maxNanos, long stallNanos) {
        if (client == null && now - startNanos > Sessions.OPEN_WITHIN_NANOS) {
            return "handshake";
        }
        if (now - startNanos > maxNanos) {
            return "max-duration";
        }
        if (now - lastMessageNanos > idleNanos) {
            return "idle";
        }
        if (paused && now - fullSinceNanos > stallNanos) {
            return "stalled";
        }
        return null;
    }

    long startNanos() {
        return startNanos;
    }

    long firstByteNanos() {
        return firstByteNanos;
    }

    Usage usage() {
        return usage;
    }

    long queuedBytes() {
        return Math.max(0, queued.get());
    }

    long bytesIn() {
        return bytesFromClient.get();
    }

    long bytesOut() {
        return bytesToClient.get();
    }

    long framesIn() {
        return framesFromClient.get();
    }

    long framesOut() {
        return framesToClient.get();
    }

    private static String plain(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? "connection lost" : m;
    }
}
