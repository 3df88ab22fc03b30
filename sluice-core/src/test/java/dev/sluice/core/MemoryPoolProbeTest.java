package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.MemoryPoolMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryPoolProbeTest {

    private static final long GIB = 1024L * 1024 * 1024;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void realProbeReadsThisJvmsOldGenerationAfterAGc() {
        System.gc(); // tests only: makes sure the old generation has been collected once

        MemorySample s = MemoryProbe.oldGenAfterGc().afterLastGc().orElseThrow();

        assertThat(s.maxBytes()).isPositive();
        assertThat(s.usedBytes()).isPositive().isLessThanOrEqualTo(s.maxBytes());
        assertThat(s.gcCount()).isPositive();
    }

    @Test
    void oldGenerationPoolsAreRecognisedByName() {
        assertThat(List.of("G1 Old Gen", "ZGC Old Generation", "Tenured Gen", "PS Old Gen", "CMS Old Gen", "ZHeap"))
                .allMatch(MemoryPoolProbe::isOldGenName);
        assertThat(List.of(
                        "G1 Eden Space",
                        "G1 Survivor Space",
                        "ZGC Young Generation",
                        "Eden Space",
                        "PS Survivor Space",
                        "Shenandoah",
                        "Metaspace"))
                .noneMatch(MemoryPoolProbe::isOldGenName);
    }

    @Test
    void theOldGenPoolIsChosenOverLargerYoungPoolsAndTheLargestPoolWithoutOne() {
        MemoryPoolMXBean eden = new MemoryFakePool("G1 Eden Space", 4 * GIB).bean();
        MemoryPoolMXBean old = new MemoryFakePool("G1 Old Gen", 2 * GIB).bean();
        MemoryPoolMXBean small = new MemoryFakePool("Small", GIB).bean();
        MemoryPoolMXBean shenandoah = new MemoryFakePool("Shenandoah", 8 * GIB).bean();

        assertThat(MemoryPoolProbe.choose(List.of(eden, old))).containsSame(old);
        assertThat(MemoryPoolProbe.choose(List.of(small, shenandoah))).containsSame(shenandoah);
        assertThat(MemoryPoolProbe.choose(List.of())).isEmpty();
    }

    @Test
    void probeReadsCollectionUsageNeverCurrentUsage() {
        MemoryFakePool pool = new MemoryFakePool("G1 Old Gen", GIB);
        MemoryPoolProbe probe = new MemoryPoolProbe(pool.bean(), () -> 1, () -> GIB, clock);
        pool.usedAfterGc(GIB / 4);
        pool.used(GIB - 1);

        MemorySample s = probe.afterLastGc().orElseThrow();

        assertThat(s.usedBytes()).isEqualTo(GIB / 4);
        assertThat(s.maxBytes()).isEqualTo(GIB);
    }

    @Test
    void noSampleBeforeThePoolWasFirstCollected() {
        MemoryFakePool pool = new MemoryFakePool("G1 Old Gen", GIB);
        AtomicLong collections = new AtomicLong();
        MemoryPoolProbe probe = new MemoryPoolProbe(pool.bean(), collections::get, () -> GIB, clock);
        pool.used(GIB / 2);
        assertThat(probe.afterLastGc()).as("no collection at all").isEmpty();

        collections.set(12); // young collections that did not measure the old generation
        assertThat(probe.afterLastGc()).as("collection usage never set").isEmpty();

        pool.usedAfterGc(GIB / 8);
        assertThat(probe.afterLastGc()).isPresent();
    }

    @Test
    void collectionsThatLeaveCollectionUsageUnchangedAreNotNewFloors() {
        MemoryFakePool pool = new MemoryFakePool("G1 Old Gen", GIB);
        AtomicLong collections = new AtomicLong(5);
        MemoryPoolProbe probe = new MemoryPoolProbe(pool.bean(), collections::get, () -> GIB, clock);
        pool.usedAfterGc(100);
        MemorySample first = probe.afterLastGc().orElseThrow();

        collections.set(9);
        clock.advance(Duration.ofSeconds(5));
        assertThat(probe.afterLastGc()).contains(first);

        collections.set(10);
        pool.usedAfterGc(200);
        MemorySample next = probe.afterLastGc().orElseThrow();
        assertThat(next.gcCount()).isEqualTo(10);
        assertThat(next.usedBytes()).isEqualTo(200);
        assertThat(next.at()).isEqualTo(clock.instant());
    }

    @Test
    void aNewFloorAlwaysAdvancesTheCountEvenIfTheCollectorsDidNot() {
        MemoryFakePool pool = new MemoryFakePool("G1 Old Gen", GIB);
        MemoryPoolProbe probe = new MemoryPoolProbe(pool.bean(), () -> 7, () -> GIB, clock);
        pool.usedAfterGc(100);
        long first = probe.afterLastGc().orElseThrow().gcCount();
        pool.usedAfterGc(300);

        assertThat(probe.afterLastGc().orElseThrow().gcCount()).isEqualTo(first + 1);
    }

    @Test
    void maxFallsBackToTheHeapMaxWhenThePoolHasNone() {
        MemoryFakePool pool = new MemoryFakePool("Tenured Gen", -1);
        MemoryPoolProbe probe = new MemoryPoolProbe(pool.bean(), () -> 1, () -> 3 * GIB, clock);
        pool.usedAfterGc(GIB);

        assertThat(probe.afterLastGc().orElseThrow().maxBytes()).isEqualTo(3 * GIB);
    }
}
