package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.MemoryReport.State;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The monitor on its own scheduler, and the health line it logs there. */
class MemoryMonitorScheduledTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long MIB = 1024L * 1024;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final MemoryTestProbe probe = new MemoryTestProbe(clock);

    @Test
    void startedMonitorPicksUpPressureWithin250ms() {
        probe.gcLeft(0.50);
        try (MemoryMonitor m = MemoryMonitor.builder()
                .probe(probe)
                .refreshInterval(Duration.ofMillis(20))
                .start()) {
            await().atMost(WAIT).until(() -> m.report().samples() == 1);
            assertThat(m.underPressure()).isFalse();

            probe.gcLeft(0.95);
            await().pollInterval(Duration.ofMillis(5))
                    .atMost(Duration.ofMillis(250))
                    .until(m::underPressure);

            probe.gcLeft(0.50);
            await().pollInterval(Duration.ofMillis(5))
                    .atMost(Duration.ofMillis(250))
                    .until(() -> !m.underPressure());
        }
    }

    @Test
    void aFailingProbeIsIsolatedAndTheMonitorCarriesOn() {
        probe.failNext(3);
        probe.gcLeft(0.95);
        try (MemoryMonitor m = MemoryMonitor.builder()
                .probe(probe)
                .refreshInterval(Duration.ofMillis(10))
                .start()) {
            await().atMost(WAIT).until(m::underPressure);

            assertThat(m.report().state()).isEqualTo(State.CRITICAL);
        }
    }

    @Test
    void closeStopsTheMonitorThreadAndIsIdempotent() {
        MemoryMonitor m = MemoryMonitor.builder()
                .probe(probe)
                .refreshInterval(Duration.ofMillis(10))
                .start();
        await().atMost(WAIT).until(() -> monitorThreadAlive());

        m.close();
        m.close();

        assertThat(m.isClosed()).isTrue();
        await().atMost(WAIT).until(() -> !monitorThreadAlive());
    }

    @Test
    void startedMonitorLogsItsHealthLineOnTheHealthIntervalBesideRefreshing() {
        AtomicInteger asked = new AtomicInteger();
        probe.gcLeft(0.40);
        try (MemoryMonitor m = MemoryMonitor.builder()
                .probe(probe)
                .healthLogInterval(Duration.ofMillis(10))
                .healthFields(() -> Map.of("calls", asked.incrementAndGet()))
                .start()) {
            await().atMost(WAIT).until(() -> asked.get() >= 3);
            await().atMost(WAIT).until(() -> m.report().samples() == 1);
        }
    }

    @Test
    void healthLineCarriesFloorMaxSlopeCpuThreadsAndTheCallersFieldsInOrder() {
        try (MemoryMonitor m = MemoryMonitor.builder().probe(probe).clock(clock).build()) {
            for (int i = 0; i < 5; i++) {
                probe.gcLeftBytes(256 * MIB + i * MIB);
                m.refresh();
                clock.advance(Duration.ofMinutes(1));
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("inFlight", 3);
            extra.put("shed", 12);
            extra.put("cacheFill", "40%");

            assertThat(MemoryHealthLine.format(m.report(), 0.125, 57, extra))
                    .isEqualTo(
                            "health state=OK heapFloor=260MiB heapMax=1024MiB floor=25.4% slope=+1.0MiB/min perRequest=+0B"
                                    + " leak=false gcs=5 cpu=12.5% threads=57 inFlight=3 shed=12 cacheFill=40%");
            assertThat(m.healthLine(extra))
                    .containsPattern("heapFloor=260MiB heapMax=1024MiB .* cpu=(n/a|[0-9.]+%) threads=[1-9][0-9]* ")
                    .endsWith(" inFlight=3 shed=12 cacheFill=40%");
        }
    }

    private static boolean monitorThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("sluice-memory-monitor") && t.isAlive());
    }
}
