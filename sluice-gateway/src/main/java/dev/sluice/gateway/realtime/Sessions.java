package dev.sluice.gateway.realtime;

import dev.sluice.core.Admission;
import dev.sluice.core.LeakSource;
import dev.sluice.core.LimitAlgorithm;
import dev.sluice.core.Limiter;
import dev.sluice.core.Outcome;
import dev.sluice.core.Permit;
import dev.sluice.core.Priority;
import dev.sluice.core.Supervised;
import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.exchange.CompletionListener;
import dev.sluice.gateway.metrics.GatewayMetrics;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.translate.Dialect;
import io.micrometer.core.instrument.Tags;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Owns every realtime session from its handshake to its end: the session permits (a limiter of their own,
 * {@code realtime.max-sessions}) and the per-key counts ({@code realtime.max-sessions-per-key}), the registry
 * behind {@code /system/resources} and {@code /system/stats}, the reaper that closes idle, overlong,
 * stalled and never-opened sessions (on an injectable clock, so tests need no sleeping), the upstream client,
 * and shutdown: {@link #goingAway} closes every session 1001 with a reason. When a session ends, its
 * permit and key slot are released once, its connection is cut if the client did not answer the close, and
 * one {@link Completion} tells the access log, usage and metrics.
 */
public final class Sessions implements AutoCloseable, LeakSource {

    /** A handshake that passed its checks must open its socket within this long, else it is reaped. */
    static final long OPEN_WITHIN_NANOS = Duration.ofSeconds(10).toNanos();
    private static final Duration CUT_AFTER = Duration.ofSeconds(2);

    /** What a handshake was granted: who, which model, the target that answered, the session's permit. */
    record Admitted(String requestId, Principal who, String model, Permit permit, List<String> tried, String provider,
                    String upstreamModel, ClientConnection connection) {
    }

    private final SluiceConfig.Realtime cfg;
    private final LongSupplier nanoTime;
    private final CompletionListener completions;
    private final Limiter permits;
    private final Map<String, Integer> perKey = new ConcurrentHashMap<>();
    private final Map<String, RealtimeSession> live = new ConcurrentHashMap<>();
    private final RealtimeMetrics metrics;
    private final ExecutorService dialThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;
    private final UpstreamDial dial;
    private final AtomicLong opened = new AtomicLong();
    private final Supervised reaper;
    private final long pingEveryNanos;

    /**
     * @param listenerIdle the listener's idle timeout ({@code server.idle-timeout}): it closes a connection that
     *        sent nothing for that long, so clients are pinged three times within it (their pongs count)
     */
    public Sessions(SluiceConfig.Realtime cfg, Duration listenerIdle, LongSupplier nanoTime,
                    CompletionListener completions, GatewayMetrics registry, boolean reap) {
        this.cfg = cfg;
        this.pingEveryNanos = Math.min(listenerIdle.toNanos() / 3, Duration.ofSeconds(20).toNanos());
        this.nanoTime = nanoTime;
        this.completions = completions;
        this.permits = Limiter.builder("realtime-sessions").algorithm(LimitAlgorithm.fixed(cfg.maxSessions()))
                .queueCapacity(0).interactiveReserve(0).build();
        this.metrics = new RealtimeMetrics(registry, this::open);
        this.client = HttpClient.newBuilder().executor(dialThreads).build();
        this.dial = new UpstreamDial(client);
        this.reaper = reap ? Supervised.builder("realtime-reaper", Duration.ofMillis(250), this::sweep).start() : null;
    }

    long now() {
        return nanoTime.getAsLong();
    }

    UpstreamDial dial() {
        return dial;
    }

    RealtimeMetrics metrics() {
        return metrics;
    }

    Duration stallTimeout() {
        return cfg.stallTimeout();
    }

    SluiceConfig.Realtime config() {
        return cfg;
    }

    /** A session permit and a slot of the key's: 503 when Sluice holds its maximum, 429 when the key does. */
    Permit admit(Principal who) throws GatewayException, InterruptedException {
        Admission a = permits.acquire(Priority.INTERACTIVE, Duration.ZERO);
        if (!(a instanceof Admission.Granted granted)) {
            metrics.refused("max-sessions");
            throw new GatewayException(503, "overloaded_error", "Sluice holds its maximum of " + cfg.maxSessions()
                    + " realtime sessions (realtime.max-sessions)", "5");
        }
        boolean[] over = new boolean[1];
        perKey.compute(who.keyId(), (k, n) -> {
            int count = n == null ? 0 : n;
            over[0] = count >= cfg.maxSessionsPerKey();
            return over[0] ? n : count + 1;
        });
        if (over[0]) {
            granted.permit().outcome(Outcome.SUCCESS);
            granted.permit().close();
            metrics.refused("max-sessions-per-key");
            throw new GatewayException(429, "rate_limit_error", "this key holds its maximum of "
                    + cfg.maxSessionsPerKey() + " realtime sessions (realtime.max-sessions-per-key)", "5");
        }
        return granted.permit();
    }

    /** Gives back what {@link #admit} took, for a handshake that failed afterwards. */
    void release(Principal who, Permit permit) {
        perKey.computeIfPresent(who.keyId(), (k, n) -> n <= 1 ? null : n - 1);
        permit.outcome(Outcome.FAILURE);
        permit.close();
    }

    /** A session for an admitted handshake, registered from now on (and reaped if its socket never opens). */
    RealtimeSession start(Admitted a) {
        String id = "rt_" + Long.toHexString(opened.incrementAndGet()) + "_" + a.requestId();
        RealtimeSession s = new RealtimeSession(id, a, this, cfg.maxMessageSize(), cfg.queueSize(), now());
        live.put(id, s);
        return s;
    }

    /** A session whose upstream dial failed: removed, its permit kept for the handshake's next target. */
    void abandoned(RealtimeSession s) {
        live.remove(s.id);
    }

    /** Called once by a session as it ends. */
    void ended(RealtimeSession s) {
        if (live.remove(s.id) == null) {
            return;
        }
        Admitted a = s.admitted;
        RealtimeSession.End end = s.end();
        perKey.computeIfPresent(a.who().keyId(), (k, n) -> n <= 1 ? null : n - 1);
        a.permit().outcome(end.outcome());
        a.permit().close();
        metrics.closed(end.code());
        Thread.ofVirtual().name("realtime-cut-" + s.id).start(() -> cutLater(a.connection()));
        long endNanos = now();
        try {
            completions.completed(new Completion(a.requestId(), "/v1/realtime", "GET", Dialect.OPENAI, true, a.model(),
                    true, 101, end.outcome(), a.tried(), a.provider(), a.upstreamModel(), s.usage(), false,
                    a.who().keyId(), a.who().tenant(), s.startNanos(), s.firstByteNanos(), endNanos,
                    System.currentTimeMillis()));
        } catch (RuntimeException e) {
            System.getLogger("sluice.realtime").log(System.Logger.Level.WARNING, "session end not recorded", e);
        }
        System.getLogger("sluice.realtime").log(System.Logger.Level.INFO, () -> "realtime session " + s.id + " ended: "
                + end.code() + " " + end.reason() + " after " + (endNanos - s.startNanos()) / 1_000_000 + " ms, in "
                + s.framesIn() + " frames / " + s.bytesIn() + " bytes, out " + s.framesOut() + " / " + s.bytesOut()
                + ", usage " + s.usage());
    }

    /** The client was told; if its socket is still open after a grace, it is cut (it never answered the close). */
    private static void cutLater(ClientConnection connection) {
        try {
            Thread.sleep(CUT_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.cut();
    }

    /** One reaper pass: idle, overlong, stalled and never-opened sessions are closed with their reason. */
    public void sweep() {
        long now = now();
        for (RealtimeSession s : live.values()) {
            s.pingIfDue(now, pingEveryNanos);
            String why = s.overdue(now, cfg.idleTimeout().toNanos(), cfg.maxDuration().toNanos(),
                    cfg.stallTimeout().toNanos());
            if (why != null) {
                switch (why) {
                    case "idle" -> s.close(1000, "no message either way for " + cfg.idleTimeout().toSeconds()
                            + " s (realtime.idle-timeout)", Outcome.SUCCESS);
                    case "max-duration" -> s.close(1000, "the session reached realtime.max-duration ("
                            + cfg.maxDuration().toMinutes() + " min)", Outcome.SUCCESS);
                    case "stalled" -> s.close(1013, "the client did not read: " + s.queuedBytes()
                            + " bytes waited longer than realtime.stall-timeout", Outcome.FAILURE);
                    default -> s.close(1011, "the WebSocket handshake did not complete", Outcome.FAILURE);
                }
            }
        }
    }

    /** Closes every session 1001 with {@code reason}; returns how many. */
    public int goingAway(String reason) {
        int n = 0;
        for (RealtimeSession s : live.values()) {
            s.close(1001, reason, Outcome.CANCELLED);
            n++;
        }
        return n;
    }

    public int open() {
        return live.size();
    }

    /** For {@code /system/stats}. */
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("open", live.size());
        m.put("max", cfg.maxSessions());
        m.put("permitsInUse", permits.inFlight());
        m.put("keys", perKey.size());
        m.put("opened", opened.get());
        m.putAll(metrics.totals());
        return m;
    }

    /** For {@code /system/resources}: one line per session (key, model, age, bytes each way, queue). */
    public List<String> describe() {
        long now = now();
        List<String> out = new ArrayList<>();
        for (RealtimeSession s : live.values()) {
            out.add("realtime-session " + s.id + " key=" + s.admitted.who().keyId() + " model=" + s.admitted.model()
                    + " target=" + s.admitted.provider() + "/" + s.admitted.upstreamModel() + " age="
                    + (now - s.startNanos()) / 1_000_000 + "ms in=" + s.bytesIn() + "B out=" + s.bytesOut()
                    + "B queued=" + s.queuedBytes() + "B/" + cfg.queueSize() + "B");
        }
        return out;
    }

    @Override
    public String leakSourceName() {
        return "realtime-sessions";
    }

    @Override
    public List<String> leaks() {
        List<String> out = new ArrayList<>(describe());
        if (permits.inFlight() != 0) {
            out.add("realtime session permits in use: " + permits.inFlight());
        }
        if (!perKey.isEmpty()) {
            out.add("realtime per-key counts left: " + perKey);
        }
        return out;
    }

    /** A close reason within the 123 bytes a close frame carries. */
    static String closeReason(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 123) {
            return reason;
        }
        String cut = new String(b, 0, 120, StandardCharsets.UTF_8);
        return cut.substring(0, Math.max(0, cut.length() - 1)) + "...";
    }

    @Override
    public void close() {
        goingAway("Sluice is stopping");
        if (reaper != null) {
            reaper.close();
        }
        client.close();
        dialThreads.close();
    }

    /** Metrics of the realtime relay. */
    static final class RealtimeMetrics {
        private final AtomicLong framesIn = new AtomicLong();
        private final AtomicLong framesOut = new AtomicLong();
        private final AtomicLong bytesIn = new AtomicLong();
        private final AtomicLong bytesOut = new AtomicLong();
        private final Map<String, AtomicLong> closes = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
        private final GatewayMetrics registry;

        RealtimeMetrics(GatewayMetrics registry, java.util.function.Supplier<Number> open) {
            this.registry = registry;
            if (registry != null) {
                registry.gauge("sluice_realtime_sessions_open", "open realtime sessions", open);
                registry.counter("sluice_realtime_frames", "realtime messages relayed", Tags.of("direction", "in"),
                        framesIn, AtomicLong::get);
                registry.counter("sluice_realtime_frames", "realtime messages relayed", Tags.of("direction", "out"),
                        framesOut, AtomicLong::get);
                registry.counter("sluice_realtime_bytes", "realtime bytes relayed", Tags.of("direction", "in"),
                        bytesIn, AtomicLong::get);
                registry.counter("sluice_realtime_bytes", "realtime bytes relayed", Tags.of("direction", "out"),
                        bytesOut, AtomicLong::get);
            }
        }

        void frame(boolean fromClient, int size) {
            (fromClient ? framesIn : framesOut).incrementAndGet();
            (fromClient ? bytesIn : bytesOut).addAndGet(size);
        }

        void closed(int code) {
            String c = switch (code) {
                case 1000, 1001, 1006, 1008, 1009, 1011, 1013 -> Integer.toString(code);
                default -> "other"; // a client's own codes must not grow the metric's tag values
            };
            count(closes, c, "sluice_realtime_closes", "realtime sessions ended, by close code",
                    "code");
        }

        void refused(String reason) {
            count(refusals, reason, "sluice_realtime_refused", "realtime handshakes refused, by reason", "reason");
        }

        /** Close codes and refusal reasons are few (a handful of each), so the maps stay small. */
        private void count(Map<String, AtomicLong> map, String key, String name, String help, String tag) {
            map.computeIfAbsent(key, k -> {
                AtomicLong n = new AtomicLong();
                if (registry != null) {
                    registry.counter(name, help, Tags.of(tag, k), n, AtomicLong::get);
                }
                return n;
            }).incrementAndGet();
        }

        Map<String, Object> totals() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("framesIn", framesIn.get());
            m.put("framesOut", framesOut.get());
            m.put("bytesIn", bytesIn.get());
            m.put("bytesOut", bytesOut.get());
            Map<String, Long> c = new LinkedHashMap<>();
            closes.forEach((k, v) -> c.put(k, v.get()));
            m.put("closes", c);
            Map<String, Long> r = new LinkedHashMap<>();
            refusals.forEach((k, v) -> r.put(k, v.get()));
            m.put("refused", r);
            return m;
        }
    }
}
