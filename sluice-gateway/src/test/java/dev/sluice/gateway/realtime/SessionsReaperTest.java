package dev.sluice.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.core.Permit;
import dev.sluice.gateway.auth.KeyPolicy;
import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.limits.Limits;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketContext;
import io.helidon.websocket.WsSession;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reaper on an injected clock, no sockets and no sleeping: idle, max-duration, stalled and never-opened
 * sessions closed with their codes, each session's permit and key slot released exactly once, one completion
 * each. Both sides are stubs: {@link StubClient} for Helidon's {@link WsSession} (sending and closing under
 * one lock, as Helidon's WsConnection does) and {@link StubUpstream} for the JDK's {@link WebSocket}.
 */
class SessionsReaperTest {

    static final Duration IDLE = Duration.ofSeconds(60);
    static final Duration MAX = Duration.ofMinutes(30);
    static final Duration STALL = Duration.ofSeconds(10);
    static final int QUEUE = 1000;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<Completion> completions = new CopyOnWriteArrayList<>();
    private final Sessions sessions = new Sessions(
            new SluiceConfig.Realtime(4, 2, 1 << 20, QUEUE, STALL, IDLE, MAX),
            Duration.ofMinutes(5),
            clock::get,
            completions::add,
            null,
            false);

    @AfterEach
    void close() {
        sessions.close();
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    static ClientConnection detached() throws Exception {
        var f = ClientConnection.class.getDeclaredField("DETACHED");
        f.setAccessible(true);
        return (ClientConnection) f.get(null);
    }

    static Principal key(String id) {
        return new Principal(id, "t", Optional.empty(), Optional.empty());
    }

    /** A session admitted, dialed and (unless {@code open} is false) opened on the client side. */
    private RealtimeSession start(Principal who, StubClient client, StubUpstream up, boolean open) throws Exception {
        return start(who, client, up, open, Optional.empty());
    }

    private RealtimeSession start(
            Principal who, StubClient client, StubUpstream up, boolean open, Optional<Limits.Lease> lease)
            throws Exception {
        Permit permit = sessions.admit(who);
        RealtimeSession s = sessions.start(new Sessions.Admitted(
                "req",
                who,
                "gpt-realtime",
                permit,
                lease,
                List.of("oai/m"),
                "oai",
                "m",
                detached(),
                dev.sluice.gateway.trace.RequestSpan.NONE));
        s.upstream(up);
        up.listener = s.upstreamListener();
        if (open) {
            s.open(client);
        }
        return s;
    }

    /** The client is told on a thread of the session's: waits for that hand-off (not for time on the clock). */
    private static void told(StubClient client) {
        await().atMost(Duration.ofSeconds(2)).until(() -> !client.closes.isEmpty());
    }

    private long num(String stat) {
        return ((Number) sessions.stats().get(stat)).longValue();
    }

    private void assertAllReleased() {
        assertThat(num("open")).isEqualTo(0);
        assertThat(num("permitsInUse")).isEqualTo(0);
        assertThat(num("keys")).isEqualTo(0);
        assertThat(sessions.leaks()).isEmpty();
    }

    @Test
    void anIdleSessionIsClosed1000AndReleasedOnce() throws Exception {
        StubClient client = new StubClient();
        StubUpstream up = new StubUpstream();
        RealtimeSession s = start(key("a"), client, up, true);
        advance(IDLE.minusSeconds(1));
        sessions.sweep();
        assertThat(s.isClosed()).isFalse();
        advance(Duration.ofSeconds(2));
        sessions.sweep();
        told(client);
        assertThat(client.closes).singleElement().satisfies(c -> {
            assertThat(c.code()).isEqualTo(1000);
            assertThat(c.reason()).contains("realtime.idle-timeout");
        });
        assertThat(up.closes).containsExactly(WebSocket.NORMAL_CLOSURE);
        assertAllReleased();
        assertThat(completions).hasSize(1);
        assertThat(sessions.stats().get("closes")).isEqualTo(Map.of("1000", 1L));
        assertThat(sessions.stats().get("ends")).as("the cause beside the code").isEqualTo(Map.of("idle", 1L));

        // later ends of the same session change nothing
        sessions.sweep();
        s.clientClosed(1000, "bye");
        s.upstreamListener().onClose(up, 1000, "");
        s.close(1011, RealtimeMetrics.Cause.CLIENT_ERROR, "again", dev.sluice.core.Outcome.FAILURE);
        assertThat(completions).hasSize(1);
        assertThat(client.closes).hasSize(1);
        assertAllReleased();
    }

    @Test
    void aBusySessionIsClosedAtMaxDuration() throws Exception {
        StubClient client = new StubClient();
        StubUpstream up = new StubUpstream();
        RealtimeSession s = start(key("a"), client, up, true);
        for (long t = 0; t <= MAX.toSeconds(); t += 50) {
            advance(Duration.ofSeconds(50));
            s.fromClient("{\"type\":\"session.update\"}", true); // never idle
            sessions.sweep();
        }
        told(client);
        assertThat(client.closes).singleElement().satisfies(c -> {
            assertThat(c.code()).isEqualTo(1000);
            assertThat(c.reason()).contains("realtime.max-duration");
        });
        assertThat(up.sent).hasSizeGreaterThan(30);
        assertAllReleased();
        assertThat(completions)
                .singleElement()
                .satisfies(c -> assertThat(c.outcome().toString()).isEqualTo("SUCCESS"));
    }

    @Test
    void aHandshakeWhoseSocketNeverOpensIsReaped1011() throws Exception {
        StubUpstream up = new StubUpstream();
        RealtimeSession s = start(key("a"), null, up, false);
        advance(Duration.ofNanos(Sessions.OPEN_WITHIN_NANOS).minusMillis(1));
        sessions.sweep();
        assertThat(s.isClosed()).isFalse();
        advance(Duration.ofMillis(2));
        sessions.sweep();
        assertThat(s.isClosed()).isTrue();
        assertThat(s.end().code()).isEqualTo(1011);
        assertThat(s.end().reason()).contains("handshake");
        assertThat(up.closes).hasSize(1);
        assertAllReleased();
        assertThat(completions).hasSize(1);
    }

    @Test
    void perKeyCountsAreReleasedOneByOne() throws Exception {
        StubClient c1 = new StubClient();
        StubClient c2 = new StubClient();
        RealtimeSession first = start(key("a"), c1, new StubUpstream(), true);
        advance(Duration.ofSeconds(30));
        RealtimeSession second = start(key("a"), c2, new StubUpstream(), true);
        assertThat(num("keys")).isEqualTo(1);
        assertThat(num("permitsInUse")).isEqualTo(2);
        advance(Duration.ofSeconds(31)); // only the first is idle
        sessions.sweep();
        assertThat(first.isClosed()).isTrue();
        assertThat(second.isClosed()).isFalse();
        assertThat(num("permitsInUse")).isEqualTo(1);
        assertThat(num("keys")).as("key a still holds one slot").isEqualTo(1);
        first.clientClosed(1000, "late"); // a second end of the first must not release the second's slot
        assertThat(num("permitsInUse")).isEqualTo(1);
        assertThat(num("keys")).as("key a still holds one slot").isEqualTo(1);
        advance(Duration.ofSeconds(31));
        sessions.sweep();
        assertAllReleased();
        assertThat(completions).hasSize(2);
    }

    /**
     * A client that does not read: its writer is stuck in a send (holding the connection's send lock, as
     * Helidon's WsConnection does), the queue fills, the upstream is paused; after the stall timeout the
     * sweep closes it 1013. The sweep must not wait for that client's socket: the reaper serves every session.
     */
    @Test
    void aStalledClientIsClosed1013WithoutBlockingTheSweep() throws Exception {
        StubClient stuck = new StubClient();
        stuck.blockSends();
        StubUpstream up = new StubUpstream();
        RealtimeSession s = start(key("a"), stuck, up, true);
        StubClient other = new StubClient();
        RealtimeSession idle = start(key("b"), other, new StubUpstream(), true);
        String message = "x".repeat(400);
        for (int i = 0; i < 4; i++) { // 1,600 bytes queued > 1,000: paused
            s.upstreamListener().onText(up, message, true);
        }
        stuck.sending.await();
        assertThat(up.requested.get()).as("upstream paused once full").isLessThan(5);
        advance(STALL.minusSeconds(1));
        sessions.sweep();
        assertThat(s.isClosed()).isFalse();
        advance(Duration.ofSeconds(2));
        advance(IDLE); // the other session is idle by now too
        assertTimeoutPreemptively(
                Duration.ofSeconds(5), sessions::sweep, "sweep blocked on a client that does not read");
        assertThat(s.end().code()).isIn(1013, 1000); // stalled (1013), or idle first (both are overdue)
        assertThat(up.closes).hasSize(1);
        assertThat(idle.isClosed()).isTrue();
        told(other);
        assertThat(other.closes)
                .singleElement()
                .satisfies(c -> assertThat(c.code()).isEqualTo(1000));
        assertAllReleased();
        stuck.unblock();
    }

    @Test
    void aStalledClientAloneIsClosed1013() throws Exception {
        StubClient stuck = new StubClient();
        stuck.blockSends();
        StubUpstream up = new StubUpstream();
        RealtimeSession s = start(key("a"), stuck, up, true);
        for (int i = 0; i < 4; i++) {
            s.upstreamListener().onText(up, "y".repeat(400), true);
        }
        stuck.sending.await();
        advance(STALL.plusSeconds(1));
        assertTimeoutPreemptively(
                Duration.ofSeconds(5), sessions::sweep, "sweep blocked on a client that does not read");
        assertThat(s.end().code()).isEqualTo(1013);
        assertThat(s.end().reason()).contains("realtime.stall-timeout");
        assertThat(up.closes).hasSize(1);
        assertAllReleased();
        stuck.unblock();
    }

    /**
     * An upstream that stops answering pings (its socket still takes them, as a process that hangs does): the
     * reaper, sweeping every 250 ms as in production, pings it once it has been quiet and closes the session
     * 1011 {@code upstream-silent} about 5 s after the first unanswered ping, whatever it pings meanwhile;
     * both sides are told and everything is released.
     */
    @Test
    void anUpstreamThatStopsAnsweringPingsIsClosed1011() throws Exception {
        StubClient client = new StubClient();
        StubUpstream up = new StubUpstream();
        RealtimeSession s = start(key("a"), client, up, true);
        // a live upstream answers: a quiet minute of sweeps never closes it as silent
        for (int i = 0; i < 40; i++) {
            advance(Duration.ofMillis(250));
            sessions.sweep();
        }
        assertThat(s.isClosed()).isFalse();
        assertThat(up.pings.get()).isPositive();

        up.silent = true;
        s.upstreamListener().onText(up, "{\"type\":\"rate_limits.updated\"}", true); // last sign of life
        long pingsBefore = up.pings.get();
        long sweeps = 0;
        while (!s.isClosed() && sweeps < 120) { // 30 s of sweeps at most (idle is 60 s)
            advance(Duration.ofMillis(250));
            sessions.sweep();
            sweeps++;
        }
        assertThat(s.isClosed()).as("closed within 30 s of sweeps").isTrue();
        assertThat(up.pings.get()).as("the silent upstream was pinged").isGreaterThan(pingsBefore);
        // quiet 500 ms before the first ping, then 5 s without a pong: closed on the sweep after that
        assertThat(sweeps * 250).isBetween(5_500L, 6_250L);
        assertThat(s.end().code()).isEqualTo(1011);
        assertThat(s.end().reason()).contains("the upstream stopped answering");
        told(client);
        assertThat(client.closes).singleElement().satisfies(c -> {
            assertThat(c.code()).isEqualTo(1011);
            assertThat(c.reason()).contains("stopped answering");
        });
        assertThat(up.closes).containsExactly(WebSocket.NORMAL_CLOSURE);
        await().atMost(Duration.ofSeconds(2)).until(() -> up.aborted);
        assertAllReleased();
        assertThat(completions)
                .singleElement()
                .satisfies(c -> assertThat(c.outcome().toString()).isEqualTo("FAILURE"));
        assertThat(sessions.stats().get("closes")).isEqualTo(Map.of("1011", 1L));
        assertThat(sessions.stats().get("ends")).isEqualTo(Map.of("upstream-silent", 1L));
    }

    @Test
    void goingAwayClosesEverySession1001() throws Exception {
        StubClient c1 = new StubClient();
        StubClient c2 = new StubClient();
        start(key("a"), c1, new StubUpstream(), true);
        start(key("b"), c2, new StubUpstream(), true);
        assertThat(sessions.goingAway("stopping")).isEqualTo(2);
        told(c1);
        told(c2);
        assertThat(c1.closes).containsExactly(new Close(1001, "stopping"));
        assertThat(c2.closes).containsExactly(new Close(1001, "stopping"));
        assertAllReleased();
    }

    /** A lease on the key's limits (max concurrent 1 here) is closed once whichever way its session ends. */
    @Test
    void theKeysLimitsLeaseIsClosedOnceOnEveryEnd() throws Exception {
        KeyPolicy oneAtATime = new KeyPolicy(List.of(), 0, 0, 1, 0, KeyPolicy.BudgetPeriod.NONE, "interactive");
        try (Limits limits = Limits.local(100, (k, since) -> 0L)) {
            java.util.function.Supplier<Optional<Limits.Lease>> lease = () -> {
                Limits.Decision d = limits.admit("a", oneAtATime, 0);
                assertThat(d).isInstanceOf(Limits.Admitted.class);
                return Optional.of(((Limits.Admitted) d).lease());
            };
            // reaped (idle)
            StubClient c1 = new StubClient();
            RealtimeSession idle = start(key("a"), c1, new StubUpstream(), true, lease.get());
            assertThat(limits.held()).isEqualTo(1);
            assertThat(limits.admit("a", oneAtATime, 0)).isInstanceOf(Limits.Limited.class);
            advance(IDLE.plusSeconds(1));
            sessions.sweep();
            assertThat(idle.isClosed()).isTrue();
            assertThat(limits.held()).isZero();
            idle.clientClosed(1000, "late"); // a second end releases nothing more
            assertThat(limits.held()).isZero();
            // the client closes
            RealtimeSession closedByClient = start(key("a"), new StubClient(), new StubUpstream(), true, lease.get());
            assertThat(limits.held()).isEqualTo(1);
            closedByClient.clientClosed(1000, "bye");
            assertThat(limits.held()).isZero();
            // an error
            RealtimeSession failed = start(key("a"), new StubClient(), new StubUpstream(), true, lease.get());
            failed.close(
                    1011,
                    RealtimeMetrics.Cause.CLIENT_ERROR,
                    "error on the client's connection",
                    dev.sluice.core.Outcome.FAILURE);
            assertThat(limits.held()).isZero();
            // never opened, reaped
            RealtimeSession neverOpened = start(key("a"), null, new StubUpstream(), false, lease.get());
            advance(Duration.ofNanos(Sessions.OPEN_WITHIN_NANOS).plusMillis(1));
            sessions.sweep();
            assertThat(neverOpened.isClosed()).isTrue();
            assertThat(limits.held()).isZero();
            // shutdown
            StubClient c2 = new StubClient();
            start(key("a"), c2, new StubUpstream(), true, lease.get());
            assertThat(limits.held()).isEqualTo(1);
            assertThat(sessions.goingAway("stopping")).isEqualTo(1);
            assertThat(limits.held()).isZero();
            assertThat(limits.leaks()).isEmpty();
            told(c2);
            assertAllReleased();
            assertThat(completions).hasSize(5);
        }
    }

    // ---- stubs ----

    record Close(int code, String reason) {}

    /** Helidon's side: sends and closes under one lock; sends can be made to block (a client not reading). */
    static final class StubClient implements WsSession {
        final List<Close> closes = new CopyOnWriteArrayList<>();
        final List<String> sent = new CopyOnWriteArrayList<>();
        final CountDownLatch sending = new CountDownLatch(1);
        private final ReentrantLock lock = new ReentrantLock();
        private volatile CountDownLatch block;

        void blockSends() {
            block = new CountDownLatch(1);
        }

        void unblock() {
            if (block != null) {
                block.countDown();
            }
        }

        @Override
        public WsSession send(String text, boolean last) {
            lock.lock();
            try {
                sending.countDown();
                CountDownLatch b = block;
                if (b != null) {
                    b.await();
                }
                sent.add(text);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e); // as a channel closed by interrupt
            } finally {
                lock.unlock();
            }
            return this;
        }

        @Override
        public WsSession send(BufferData data, boolean last) {
            return send("<binary>", last);
        }

        @Override
        public WsSession ping(BufferData data) {
            return this;
        }

        @Override
        public WsSession pong(BufferData data) {
            return this;
        }

        @Override
        public WsSession close(int code, String reason) {
            lock.lock();
            try {
                closes.add(new Close(code, reason));
            } finally {
                lock.unlock();
            }
            return this;
        }

        @Override
        public WsSession terminate() {
            return this;
        }

        @Override
        public SocketContext socketContext() {
            throw new UnsupportedOperationException();
        }
    }

    /** The JDK client's side: records what was sent and closed, counts requests. */
    static final class StubUpstream implements WebSocket {
        final List<Integer> closes = new CopyOnWriteArrayList<>();
        final List<String> sent = new CopyOnWriteArrayList<>();
        final AtomicLong requested = new AtomicLong();
        volatile boolean aborted;
        volatile WebSocket.Listener listener;
        /** Set: pings are sent (their futures complete, as the JDK's do once written) but never answered. */
        volatile boolean silent;

        final AtomicLong pings = new AtomicLong();

        @Override
        public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
            sent.add(data.toString());
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
            sent.add("<binary>");
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
            pings.incrementAndGet();
            if (listener != null && !silent) {
                listener.onPong(this, message); // a live upstream answers a ping
            }
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
            closes.add(statusCode);
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public String getSubprotocol() {
            return "realtime";
        }

        @Override
        public boolean isOutputClosed() {
            return !closes.isEmpty();
        }

        @Override
        public boolean isInputClosed() {
            return aborted;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }
}
