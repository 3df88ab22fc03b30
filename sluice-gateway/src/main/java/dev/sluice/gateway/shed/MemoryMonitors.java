package dev.sluice.gateway.shed;

import dev.sluice.core.Limiter;
import dev.sluice.core.LimiterStats;
import dev.sluice.core.MemoryMonitor;
import dev.sluice.core.MemoryMonitorBuilder;
import dev.sluice.core.MemoryProbe;
import dev.sluice.gateway.config.SluiceConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Starts the memory monitor from config; its health line and per-request slope read the limiter. */
public final class MemoryMonitors {

    private MemoryMonitors() {}

    /**
     * Starts a monitor; {@code limiter} may return null until the limiter exists (the limiter is gated
     * by the monitor, so the monitor is built first).
     */
    public static MemoryMonitor start(SluiceConfig.Memory cfg, MemoryProbe probe, Supplier<Limiter> limiter) {
        MemoryMonitorBuilder b = MemoryMonitor.builder()
                .probe(probe)
                .refreshInterval(cfg.refreshInterval())
                .shedAbove(cfg.shedAbove())
                .admitBelow(cfg.admitBelow())
                .warnAbove(cfg.warnAbove())
                .healthLogInterval(cfg.healthLogInterval())
                .requestsCompleted(() -> {
                    Limiter l = limiter.get();
                    return l == null ? 0 : l.stats().released();
                })
                .healthFields(() -> healthFields(limiter.get()));
        if (!cfg.heapDumpDir().isEmpty()) {
            b.heapDumpsEnabled(true).heapDumpDirectory(Path.of(cfg.heapDumpDir()));
        }
        return b.start();
    }

    private static Map<String, Object> healthFields(Limiter limiter) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (limiter != null) {
            LimiterStats s = limiter.stats();
            fields.put("inFlight", s.inFlight());
            fields.put("limit", s.limit());
            fields.put("queued", s.queued());
            fields.put("admitted", s.admitted());
            fields.put("shed", s.rejected());
        }
        return fields;
    }
}
