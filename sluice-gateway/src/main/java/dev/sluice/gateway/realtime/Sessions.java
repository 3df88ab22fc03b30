package dev.sluice.gateway.realtime;

import dev.sluice.core.LeakSource;
import dev.sluice.core.Outcome;
import dev.sluice.core.Permit;
import dev.sluice.core.Supervised;
import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.exchange.CompletionListener;
import dev.sluice.gateway.limits.Limits;
import dev.sluice.gateway.metrics.GatewayMetrics;
import dev.sluice.gateway.trace.RequestSpan;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Owns every realtime session from its handshake to its end: the session permits (a limiter of their own,
 * {@code realtime.max-sessions}) and the per-key counts ({@code realtime.max-sessions-per-key}), the registry
 * behind {@code /system/resources} and {@code /system/stats}, the reaper that closes idle, overlong,
 * stalled and never-opened sessions (on an injectable clock, so tests need no sleeping), the upstream client,
 * and shutdown: {@link #goingAway} closes every session 1001 with a reason. When a session ends, its
 * permit, key slot and lease on the key's stored limits are released once, its connection is cut if the client did not answer the close, and
 * one {@link dev.sluice.gateway.exchange.Completion} tells the access log, usage and metrics (the sweep, the record
 * and the cut are {@link SessionEnds}').
 */
public final class Sessions implements AutoCloseable, LeakSource {

    /** A handshake that passed its checks must open its socket within this long, else it is reaped. */
    static final long OPEN_WITHIN_NANOS = Duration.ofSeconds(10).toNanos();

    /**
     * What a handshake was granted: who, which model, the target that answered, the session's permit and
     * the lease on the key's stored limits (empty for a key without a policy).
     */
    record Admitted(
            String requestId,
            Principal who,
            String model,
            Permit permit,
            Optional<Limits.Lease> lease,
            List<String> tried,
            String provider,
            String upstreamModel,
            ClientConnection connection,
            RequestSpan span) {}

    private final SluiceConfig.Realtime cfg;
    private final LongSupplier nanoTime;
    private final SessionPermits permits;
    private final Map<String, RealtimeSession> live = new ConcurrentHashMap<>();
    private final RealtimeMetrics metrics;
    private final ExecutorService dialThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;
    private final UpstreamDial dial;
    private final AtomicLong opened = new AtomicLong();
    private final @Nullable Supervised reaper;
    private final SessionEnds ends;

    /**
     * @param listenerIdle the listener's idle timeout ({@code server.idle-timeout}): it closes a connection that
     *        sent nothing for that long, so clients are pinged three times within it (their pongs count)
     */
    public Sessions(
            SluiceConfig.Realtime cfg,
            Duration listenerIdle,
            LongSupplier nanoTime,
            CompletionListener completions,
            GatewayMetrics registry,
            boolean reap) {
        this.cfg = cfg;
        this.ends = new SessionEnds(cfg, listenerIdle, completions);
        this.nanoTime = nanoTime;
        this.metrics = new RealtimeMetrics(registry, this::open);
        this.permits = new SessionPermits(cfg.maxSessions(), cfg.maxSessionsPerKey(), metrics);
        this.client = HttpClient.newBuilder().executor(dialThreads).build();
        this.dial = new UpstreamDial(client);
        this.reaper = reap
                ? Supervised.builder("realtime-reaper", Duration.ofMillis(250), this::sweep)
                        .start()
                : null;
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

    /** A session permit and a slot of the key's (see {@link SessionPermits}). */
    Permit admit(Principal who) throws GatewayException, InterruptedException {
        return permits.take(who.keyId());
    }

    /** Gives back what {@link #admit} took, for a handshake that failed afterwards. */
    void release(Principal who, Permit permit) {
        permits.give(who.keyId(), permit, Outcome.FAILURE);
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
    void ended(RealtimeSession s, RealtimeSession.End end) {
        if (live.remove(s.id) == null) {
            return;
        }
        Admitted a = s.admitted;
        permits.give(a.who().keyId(), a.permit(), end.outcome());
        a.lease().ifPresent(lease -> {
            try {
                lease.record(s.tally().usage().inputTokens(), s.tally().usage().outputTokens());
            } finally {
                lease.close();
            }
        });
        metrics.closed(end.code(), end.cause());
        ends.ended(s, end, now());
    }

    /** One reaper pass: idle, overlong, stalled and never-opened sessions are closed with their reason. */
    public void sweep() {
        ends.sweep(live.values(), now());
    }

    /** Closes every session 1001 with {@code reason}; returns how many. */
    public int goingAway(String reason) {
        int n = 0;
        for (RealtimeSession s : live.values()) {
            s.close(1001, RealtimeMetrics.Cause.SHUTDOWN, reason, Outcome.CANCELLED);
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
        m.put("permitsInUse", permits.inUse());
        m.put("keys", permits.keys());
        m.put("opened", opened.get());
        m.put("closing", ends.closing());
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
                    + (now - s.startNanos()) / 1_000_000 + "ms in=" + s.tally().bytesIn() + "B out="
                    + s.tally().bytesOut()
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
        out.addAll(permits.leaks(live.size()));
        return out;
    }

    @Override
    public void close() {
        goingAway("Sluice is stopping");
        if (reaper != null) {
            reaper.close();
        }
        ends.cutAll(); // the listener stops next: nobody answers now
        client.close();
        dialThreads.close();
    }
}
