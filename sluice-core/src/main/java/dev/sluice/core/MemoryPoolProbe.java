package dev.sluice.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The real {@link MemoryProbe}: the collection usage of one heap pool, never its current usage.
 * The floor counts as new only when the collection usage changed, so the many young collections
 * that do not measure the old generation (G1) add no copies of the last floor; its time is when
 * the change was first seen.
 */
final class MemoryPoolProbe implements MemoryProbe {

    private static final Logger LOG = System.getLogger(MemoryPoolProbe.class.getName());

    private final MemoryPoolMXBean pool;
    private final LongSupplier collections;
    private final LongSupplier heapMax;
    private final Clock clock;

    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable MemoryUsage lastUsage; // guarded by lock
    private @Nullable MemorySample last; // guarded by lock

    MemoryPoolProbe(MemoryPoolMXBean pool, LongSupplier collections, LongSupplier heapMax, Clock clock) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.collections = Objects.requireNonNull(collections, "collections");
        this.heapMax = Objects.requireNonNull(heapMax, "heapMax");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The old-generation pool of this JVM; a probe that never has a sample if there is none. */
    static MemoryProbe forThisJvm(Clock clock) {
        Optional<MemoryPoolMXBean> chosen = choose(ManagementFactory.getMemoryPoolMXBeans());
        if (chosen.isEmpty()) {
            LOG.log(Level.WARNING, "no heap memory pool reports collection usage; memory pressure is not measured");
            return Optional::empty;
        }
        MemoryPoolMXBean pool = chosen.get();
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(gc -> Arrays.asList(gc.getMemoryPoolNames()).contains(pool.getName()))
                .toList();
        LOG.log(
                Level.DEBUG,
                "memory probe reads pool {0}, collected by {1}",
                pool.getName(),
                collectors.stream().map(GarbageCollectorMXBean::getName).toList());
        LongSupplier count = () -> collectors.stream()
                .mapToLong(gc -> Math.max(0, gc.getCollectionCount()))
                .sum();
        LongSupplier heapMax =
                () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        return new MemoryPoolProbe(pool, count, heapMax, clock);
    }

    /**
     * The heap pool that reports collection usage and is the old generation by name; else such a
     * heap pool with the largest max (single-pool collectors: Shenandoah, non-generational ZGC).
     */
    static Optional<MemoryPoolMXBean> choose(List<MemoryPoolMXBean> pools) {
        List<MemoryPoolMXBean> candidates = pools.stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isValid() && p.isCollectionUsageThresholdSupported())
                .toList();
        Optional<MemoryPoolMXBean> old =
                candidates.stream().filter(p -> isOldGenName(p.getName())).findFirst();
        if (old.isPresent()) {
            return old;
        }
        return candidates.stream()
                .max(Comparator.comparingLong(p -> p.getUsage().getMax()));
    }

    /** "G1 Old Gen", "ZGC Old Generation", "Tenured Gen", "PS Old Gen", "CMS Old Gen", "ZHeap". */
    static boolean isOldGenName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("old gen") || n.contains("tenured") || n.equals("zheap");
    }

    @Override
    public Optional<MemorySample> afterLastGc() {
        MemoryUsage usage = pool.getCollectionUsage();
        long count = collections.getAsLong();
        if (usage == null || count == 0 || usage.getCommitted() == 0) {
            return Optional.empty(); // no collection has measured this pool yet
        }
        lock.lock();
        try {
            MemoryUsage previous = lastUsage; // set together with last
            if (last == null || previous == null || !sameUsage(usage, previous)) {
                long gcCount = last == null ? count : Math.max(count, last.gcCount() + 1);
                last = new MemorySample(usage.getUsed(), max(usage), gcCount, Instant.now(clock));
                lastUsage = usage;
            }
            return Optional.of(last);
        } finally {
            lock.unlock();
        }
    }

    private long max(MemoryUsage usage) {
        if (usage.getMax() > 0) {
            return usage.getMax();
        }
        long poolMax = pool.getUsage().getMax();
        if (poolMax > 0) {
            return poolMax;
        }
        long heap = heapMax.getAsLong();
        return heap > 0 ? heap : Math.max(1, usage.getCommitted());
    }

    private static boolean sameUsage(MemoryUsage a, MemoryUsage b) {
        return a.getUsed() == b.getUsed() && a.getCommitted() == b.getCommitted() && a.getMax() == b.getMax();
    }

    @Override
    public String toString() {
        return "MemoryProbe[" + pool.getName() + " after GC]";
    }
}
