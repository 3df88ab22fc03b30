package dev.sluice.gateway.realtime;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.exchange.CompletionListener;
import dev.sluice.gateway.translate.Dialect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How realtime sessions end, beside the permits and registry {@link Sessions} keeps: the reaper's sweep
 * (clients pinged, quiet upstreams probed; idle, overlong, stalled, silent, gone and never-opened sessions
 * closed with their reason), the record of each end (one {@link Completion} for the access log, usage and
 * metrics, and a log line), and the connections of ended sessions, cut when their client does not answer the
 * close.
 */
final class SessionEnds {

    private static final Duration CUT_AFTER = Duration.ofSeconds(2);

    /** An upstream silent this long is pinged (at most once per this), so one that vanished is found. */
    private static final long UPSTREAM_QUIET_NANOS = Duration.ofMillis(500).toNanos();

    /** An ended session's client connection, and when the session ended. */
    private record Closing(ClientConnection connection, long endedNanos) {}

    private final Map<String, Closing> closing = new ConcurrentHashMap<>();
    private final SluiceConfig.Realtime cfg;
    private final CompletionListener completions;
    private final long pingEveryNanos;

    /**
     * @param listenerIdle the listener's idle timeout ({@code server.idle-timeout}): it closes a connection that
     *        sent nothing for that long, so clients are pinged three times within it (their pongs count)
     */
    SessionEnds(SluiceConfig.Realtime cfg, Duration listenerIdle, CompletionListener completions) {
        this.cfg = cfg;
        this.completions = completions;
        this.pingEveryNanos =
                Math.min(listenerIdle.toNanos() / 3, Duration.ofSeconds(20).toNanos());
    }

    /** One reaper pass: idle, overlong, stalled and never-opened sessions are closed with their reason. */
    void sweep(Iterable<RealtimeSession> live, long now) {
        cutOverdue(now);
        for (RealtimeSession s : live) {
            s.ping(now, pingEveryNanos, UPSTREAM_QUIET_NANOS);
            String why = s.overdue(
                    now,
                    cfg.idleTimeout().toNanos(),
                    cfg.maxDuration().toNanos(),
                    cfg.stallTimeout().toNanos());
            if (why != null) {
                switch (why) {
                    case "idle" ->
                        s.close(
                                1000,
                                RealtimeMetrics.Cause.IDLE,
                                "no message either way for " + cfg.idleTimeout().toSeconds()
                                        + " s (realtime.idle-timeout)",
                                Outcome.SUCCESS);
                    case "max-duration" ->
                        s.close(
                                1000,
                                RealtimeMetrics.Cause.MAX_DURATION,
                                "the session reached realtime.max-duration ("
                                        + cfg.maxDuration().toMinutes() + " min)",
                                Outcome.SUCCESS);
                    case "stalled" ->
                        s.close(
                                1013,
                                RealtimeMetrics.Cause.STALLED,
                                "the client did not read: " + s.queuedBytes()
                                        + " bytes waited longer than realtime.stall-timeout",
                                Outcome.FAILURE);
                    case "client-gone" ->
                        s.close(
                                1006,
                                RealtimeMetrics.Cause.CLIENT_GONE,
                                "the client's connection ended",
                                Outcome.CANCELLED);
                    case "upstream-silent" ->
                        s.close(
                                1011,
                                RealtimeMetrics.Cause.UPSTREAM_SILENT,
                                "the upstream stopped answering (no pong within 5 s)",
                                Outcome.FAILURE);
                    default ->
                        s.close(
                                1011,
                                RealtimeMetrics.Cause.HANDSHAKE,
                                "the WebSocket handshake did not complete",
                                Outcome.FAILURE);
                }
            }
        }
    }

    /**
     * The connections of ended sessions whose clients were told: one still open {@link #CUT_AFTER} later is cut
     * (its client never answered the close). Forgotten once it ends or is cut, so at most one per connection
     * still open, each for at most that grace.
     */
    private void cutOverdue(long now) {
        closing.entrySet().removeIf(e -> {
            Closing c = e.getValue();
            if (c.connection().ended()) {
                return true;
            }
            if (now - c.endedNanos() < CUT_AFTER.toNanos()) {
                return false;
            }
            c.connection().cut();
            return true;
        });
    }

    /** A session ended at {@code endNanos}: its connection is watched for the cut, its end recorded and logged. */
    void ended(RealtimeSession s, RealtimeSession.End end, long endNanos) {
        Sessions.Admitted a = s.admitted;
        closing.put(s.id, new Closing(a.connection(), endNanos));
        try {
            Completion c = new Completion(
                    a.requestId(),
                    "/v1/realtime",
                    "GET",
                    Dialect.OPENAI,
                    true,
                    a.model(),
                    true,
                    101,
                    end.outcome(),
                    a.tried(),
                    a.provider(),
                    a.upstreamModel(),
                    s.tally().usage(),
                    false,
                    a.who().keyId(),
                    a.who().tenant(),
                    s.startNanos(),
                    s.tally().firstByteNanos(),
                    endNanos,
                    System.currentTimeMillis(),
                    new Completion.Detail(
                            -1, 0, end.code(), end.reason(), a.span().traceId()));
            a.span().end(c); // the session's server span, ended with its close
            completions.completed(c);
        } catch (RuntimeException e) {
            System.getLogger("sluice.realtime").log(System.Logger.Level.WARNING, "session end not recorded", e);
        }
        System.getLogger("sluice.realtime")
                .log(
                        System.Logger.Level.INFO,
                        () -> "realtime session " + s.id + " ended: "
                                + end.code() + " " + end.reason() + " after " + (endNanos - s.startNanos()) / 1_000_000
                                + " ms, in "
                                + s.tally().framesIn() + " frames / "
                                + s.tally().bytesIn() + " bytes, out "
                                + s.tally().framesOut() + " / " + s.tally().bytesOut()
                                + ", usage " + s.tally().usage());
    }

    /** Ended sessions whose connections still wait for their client's answer. */
    int closing() {
        return closing.size();
    }

    /** Cuts every connection still waiting: the listener stops next, nobody answers now. */
    void cutAll() {
        closing.values().forEach(c -> c.connection().cut());
        closing.clear();
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
}
