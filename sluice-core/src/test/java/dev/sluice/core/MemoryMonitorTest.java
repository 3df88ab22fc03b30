package dev.sluice.core;

import static dev.sluice.core.MemoryTestProbe.MAX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.core.MemoryReport.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryMonitorTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final MemoryTestProbe probe = new MemoryTestProbe(clock);

    private MemoryMonitorBuilder monitor() {
        return MemoryMonitor.builder().probe(probe).clock(clock);
    }

    @Test
    void postGcFloorOf30PercentNeverShedsWhileRawHeapUsedIs97Percent() {
        MemoryFakePool pool = new MemoryFakePool("G1 Old Gen", MAX);
        AtomicLong collections = new AtomicLong();
        MemoryProbe real = new MemoryPoolProbe(pool.bean(), collections::get, () -> MAX, clock);
        try (MemoryMonitor m = MemoryMonitor.builder().probe(real).clock(clock).build()) {
            for (int i = 0; i < 50; i++) {
                pool.used(Math.round(0.97 * MAX)); // garbage piling up between collections
                pool.usedAfterGc(Math.round(0.30 * MAX) + (i % 2) * 4096);
                collections.incrementAndGet();
                m.refresh();
                assertThat(m.underPressure()).isFalse();
                assertThat(m.shedReason()).isEmpty();
            }
            assertThat(m.report().state()).isEqualTo(State.OK);
            assertThat(m.report().floorFraction()).isCloseTo(0.30, within(0.001));
            assertThat(m.report().samples()).isEqualTo(50);
        }
    }

    @Test
    void postGcFloorAboveShedAboveShedsEvenWhileRawHeapUsedIsLow() {
        MemoryFakePool pool = new MemoryFakePool("G1 Old Gen", MAX);
        MemoryProbe real = new MemoryPoolProbe(pool.bean(), () -> 1, () -> MAX, clock);
        try (MemoryMonitor m = MemoryMonitor.builder().probe(real).clock(clock).build()) {
            pool.used(Math.round(0.10 * MAX));
            pool.usedAfterGc(Math.round(0.95 * MAX));
            m.refresh();

            assertThat(m.shedReason()).hasValue("old gen after GC 95% > 92%");
        }
    }

    @Test
    void pressureBeginsAtShedAboveAndEndsOnlyBelowAdmitBelow() {
        try (MemoryMonitor m = monitor().build()) {
            probe.collect(m, 0.93);
            assertThat(m.underPressure()).isTrue();
            assertThat(m.shedReason()).hasValue("old gen after GC 93% > 92%");

            probe.collect(m, 0.88);
            assertThat(m.underPressure()).isTrue();
            assertThat(m.shedReason()).hasValue("old gen after GC 88%, not yet below 85%");

            probe.collect(m, 0.84);
            assertThat(m.underPressure()).isFalse();
            assertThat(m.shedReason()).isEmpty();

            probe.collect(m, 0.88);
            assertThat(m.underPressure())
                    .as("88% does not begin pressure, only ends it")
                    .isFalse();
        }
    }

    @Test
    void stateIsOkBelowWarnAboveWarnFromItAndCriticalFromShedAbove() {
        try (MemoryMonitor m = monitor().build()) {
            List<State> states = new ArrayList<>();
            for (double f : new double[] {0.50, 0.805, 0.91, 0.925, 0.99, 0.86, 0.10}) {
                probe.collect(m, f);
                states.add(m.report().state());
            }
            assertThat(states)
                    .containsExactly(
                            State.OK, State.WARN, State.WARN, State.CRITICAL, State.CRITICAL, State.WARN, State.OK);
        }
    }

    @Test
    void criticalHooksRunOncePerEntryNotOnEveryCriticalRefresh() {
        AtomicInteger trims = new AtomicInteger();
        try (MemoryMonitor m = monitor().onCritical(trims::incrementAndGet).build()) {
            probe.collect(m, 0.95);
            m.refresh();
            probe.collect(m, 0.97);
            assertThat(trims).hasValue(1);

            probe.collect(m, 0.50);
            probe.collect(m, 0.95);
            assertThat(trims).hasValue(2);
        }
    }

    @Test
    void aThrowingHookIsLoggedAndTheNextHooksStillRun() {
        List<String> ran = new ArrayList<>();
        try (MemoryMonitor m = monitor()
                .onCritical(() -> {
                    ran.add("first");
                    throw new IllegalStateException("planted");
                })
                .onCritical(() -> {
                    ran.add("second");
                    throw new OutOfMemoryError("planted");
                })
                .onCritical(() -> ran.add("third"))
                .build()) {
            probe.collect(m, 0.95);

            assertThat(ran).containsExactly("first", "second", "third");
            assertThat(m.underPressure()).isTrue();
        }
    }

    @Test
    void beforeTheFirstCollectionTheReportIsOkWithNoSamples() {
        try (MemoryMonitor m = monitor().build()) {
            m.refresh();

            assertThat(m.report()).isEqualTo(new MemoryReport(State.OK, 0, 0, 0, 0, 0, false, 0, 0, Instant.EPOCH));
            assertThat(m.underPressure()).isFalse();
        }
    }

    @Test
    void builderRefusesBadOptionsNamingEachWithItsValue() {
        assertThatThrownBy(() ->
                        monitor().shedAbove(0.9).admitBelow(0.95).warnAbove(1.5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("admitBelow must be above 0 and below shedAbove 0.9, got 0.95")
                .hasMessageContaining("warnAbove must be above 0 and at most shedAbove 0.9, got 1.5");
        assertThatThrownBy(() -> monitor().shedAbove(1.2).build())
                .hasMessageContaining("shedAbove must be in (0, 1], got 1.2");
        assertThatThrownBy(() -> monitor().admitBelow(0).build())
                .hasMessageContaining("admitBelow must be above 0 and below shedAbove 0.92, got 0.0");
        assertThatThrownBy(() -> monitor().ringSize(8).build())
                .hasMessageContaining("ringSize must be at least 3 and above leakWindow 8, got 8");
        assertThatThrownBy(() -> monitor().leakWindow(1).build())
                .hasMessageContaining("leakWindow must be at least 2, got 1");
    }
}
