package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ring of post-GC floors: slopes, leak suspicion, bound. */
class MemoryMonitorFloorsTest {

    private static final long MIB = 1024L * 1024;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final MemoryTestProbe probe = new MemoryTestProbe(clock);

    private MemoryMonitorBuilder monitor() {
        return MemoryMonitor.builder().probe(probe).clock(clock);
    }

    @Test
    void floorRisingOneMiBPerMinuteGivesThatSlopePerMinuteAndPerRequest() {
        AtomicLong requests = new AtomicLong();
        try (MemoryMonitor m = monitor().requestsCompleted(requests::get).build()) {
            for (int i = 0; i < 10; i++) {
                probe.gcLeftBytes(300 * MIB + i * MIB);
                m.refresh();
                clock.advance(Duration.ofMinutes(1));
                requests.addAndGet(1000);
            }
            MemoryReport r = m.report();
            assertThat(r.samples()).isEqualTo(10);
            assertThat(r.slopeBytesPerMinute()).isCloseTo(MIB, within(MIB * 0.01));
            assertThat(r.slopeBytesPerRequest()).isCloseTo(MIB / 1000.0, within(MIB / 1000.0 * 0.01));
        }
    }

    @Test
    void slopePerRequestFollowsTheRequestCounterNotTheClock() {
        AtomicLong requests = new AtomicLong();
        long[] secondsBetween = {5, 300, 1, 60, 7, 900, 30, 2, 120, 45};
        try (MemoryMonitor m = monitor().requestsCompleted(requests::get).build()) {
            for (int i = 0; i < secondsBetween.length; i++) {
                probe.gcLeftBytes(200 * MIB + i * 512 * 1024);
                m.refresh();
                clock.advance(Duration.ofSeconds(secondsBetween[i]));
                requests.addAndGet(500);
            }
            assertThat(m.report().slopeBytesPerRequest()).isCloseTo(512 * 1024 / 500.0, within(0.01));
        }
    }

    @Test
    void slopesAreZeroWithFewerThanThreeFloors() {
        try (MemoryMonitor m = monitor().build()) {
            probe.gcLeftBytes(100 * MIB);
            m.refresh();
            clock.advance(Duration.ofMinutes(1));
            probe.gcLeftBytes(500 * MIB);
            m.refresh();

            assertThat(m.report().samples()).isEqualTo(2);
            assertThat(m.report().slopeBytesPerMinute()).isZero();
            assertThat(m.report().slopeBytesPerRequest()).isZero();
        }
    }

    @Test
    void floorRisingAcrossEachOfTheLastEightCollectionsIsSuspectedAsALeak() {
        try (MemoryMonitor m = monitor().build()) {
            for (int i = 0; i < 8; i++) {
                probe.gcLeftBytes(300 * MIB + i * MIB);
                m.refresh();
                clock.advance(Duration.ofMinutes(1));
            }
            assertThat(m.report().leakSuspected()).as("7 rises are not 8").isFalse();

            probe.gcLeftBytes(308 * MIB);
            m.refresh();
            assertThat(m.report().leakSuspected()).isTrue();
        }
    }

    @Test
    void flatButNoisyFloorIsNotSuspectedAsALeak() {
        Random noise = new Random(42);
        try (MemoryMonitor m = monitor().build()) {
            for (int i = 0; i < 100; i++) {
                probe.gcLeftBytes(300 * MIB + noise.nextLong(-2 * MIB, 2 * MIB));
                m.refresh();
                clock.advance(Duration.ofSeconds(30));
                assertThat(m.report().leakSuspected())
                        .as("after %d collections", i + 1)
                        .isFalse();
            }
            assertThat(Math.abs(m.report().slopeBytesPerMinute())).isLessThan(MIB / 4.0);
        }
    }

    @Test
    void oneDipInARisingRunIsNotALeak() {
        long[] floors = {300, 301, 302, 303, 302, 304, 305, 306, 307};
        try (MemoryMonitor m = monitor().build()) {
            for (long f : floors) {
                probe.gcLeftBytes(f * MIB);
                m.refresh();
                clock.advance(Duration.ofMinutes(1));
            }
            assertThat(m.report().slopeBytesPerMinute()).isPositive();
            assertThat(m.report().leakSuspected()).isFalse();
        }
    }

    @Test
    void ringKeepsOnlyTheLastRingSizeFloors() {
        try (MemoryMonitor m = monitor().build()) {
            for (int i = 0; i < 1000; i++) {
                probe.gcLeftBytes(100 * MIB + (i % 7) * MIB);
                m.refresh();
                clock.advance(Duration.ofSeconds(1));
            }
            assertThat(m.report().samples()).isEqualTo(128);
            assertThat(m.report().gcCount()).isEqualTo(1000);
        }
    }

    @Test
    void refreshesWithoutANewCollectionAddNoFloor() {
        try (MemoryMonitor m = monitor().build()) {
            probe.collect(m, 0.40);
            m.refresh();
            m.refresh();
            assertThat(m.report().samples()).isEqualTo(1);

            probe.collect(m, 0.40);
            assertThat(m.report().samples()).isEqualTo(2);
        }
    }
}
