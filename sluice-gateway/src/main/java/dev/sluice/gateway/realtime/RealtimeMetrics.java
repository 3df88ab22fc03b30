package dev.sluice.gateway.realtime;

import dev.sluice.gateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Tags;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Metrics of the realtime relay: messages and bytes each way, open sessions, closes by code and by cause,
 * refusals by reason.
 */
final class RealtimeMetrics {

    /** Why a session ended, a bounded set (the close reason's text is free and goes to the access log). */
    enum Cause {
        CLIENT,
        CLIENT_GONE,
        CLIENT_ERROR,
        IDLE,
        MAX_DURATION,
        STALLED,
        TOO_LARGE,
        UPSTREAM_CLOSED,
        UPSTREAM_LOST,
        UPSTREAM_SILENT,
        UPSTREAM_STALLED,
        HANDSHAKE,
        SHUTDOWN;

        /** The metric tag value: {@code upstream-silent}, ... */
        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong framesOut = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final Map<String, AtomicLong> closes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> causes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
    private final GatewayMetrics registry;

    RealtimeMetrics(GatewayMetrics registry, java.util.function.Supplier<Number> open) {
        this.registry = registry;
        if (registry != null) {
            registry.gauge("sluice_realtime_sessions_open", "open realtime sessions", open);
            registry.counter(
                    "sluice_realtime_frames",
                    "realtime messages relayed",
                    Tags.of("direction", "in"),
                    framesIn,
                    AtomicLong::get);
            registry.counter(
                    "sluice_realtime_frames",
                    "realtime messages relayed",
                    Tags.of("direction", "out"),
                    framesOut,
                    AtomicLong::get);
            registry.counter(
                    "sluice_realtime_bytes",
                    "realtime bytes relayed",
                    Tags.of("direction", "in"),
                    bytesIn,
                    AtomicLong::get);
            registry.counter(
                    "sluice_realtime_bytes",
                    "realtime bytes relayed",
                    Tags.of("direction", "out"),
                    bytesOut,
                    AtomicLong::get);
        }
    }

    void frame(boolean fromClient, int size) {
        (fromClient ? framesIn : framesOut).incrementAndGet();
        (fromClient ? bytesIn : bytesOut).addAndGet(size);
    }

    void closed(int code, Cause cause) {
        count(causes, cause.tag(), "sluice_realtime_ends", "realtime sessions ended, by cause", "cause");
        String c = switch (code) {
            case 1000, 1001, 1006, 1008, 1009, 1011, 1013 -> Integer.toString(code);
            default -> "other"; // a client's own codes must not grow the metric's tag values
        };
        count(closes, c, "sluice_realtime_closes", "realtime sessions ended, by close code", "code");
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
                })
                .incrementAndGet();
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
        Map<String, Long> e = new LinkedHashMap<>();
        causes.forEach((k, v) -> e.put(k, v.get()));
        m.put("ends", e);
        Map<String, Long> r = new LinkedHashMap<>();
        refusals.forEach((k, v) -> r.put(k, v.get()));
        m.put("refused", r);
        return m;
    }
}
