package dev.sluice.core;

import java.time.Clock;
import java.util.Optional;

/**
 * Where {@link MemoryMonitor} learns the old generation's usage after the last garbage collection.
 * Never the raw "heap used", which counts garbage not yet collected: a heap can read 87% used with
 * nothing live in it. Tests inject a fake to simulate pressure.
 */
@FunctionalInterface
public interface MemoryProbe {

    /**
     * The usage of the old generation right after the most recent collection that measured it;
     * empty until there has been one. Called from the monitor's scheduler thread.
     */
    Optional<MemorySample> afterLastGc();

    /**
     * The probe of this JVM: the collection usage ({@code MemoryPoolMXBean.getCollectionUsage()})
     * of the old-generation pool ("G1 Old Gen", "ZGC Old Generation", "Tenured Gen", "PS Old Gen";
     * for single-pool collectors the heap pool with the largest max), with the pool's max or else
     * the heap's. A collection that leaves the collection usage unchanged (a G1 young collection
     * does not measure the old generation) does not count as a new floor.
     */
    static MemoryProbe oldGenAfterGc() {
        return MemoryPoolProbe.forThisJvm(Clock.systemUTC());
    }
}
