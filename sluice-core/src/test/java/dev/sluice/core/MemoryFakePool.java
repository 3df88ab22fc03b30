package dev.sluice.core;

import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Proxy;

/** A {@link MemoryPoolMXBean} whose current usage and collection usage tests set independently. */
final class MemoryFakePool {

    volatile MemoryUsage usage;
    volatile MemoryUsage collectionUsage;
    private final String name;
    private final long max;

    MemoryFakePool(String name, long max) {
        this.name = name;
        this.max = max;
        this.usage = usage(0);
        this.collectionUsage = new MemoryUsage(0, 0, 0, max); // never collected
    }

    /** Raw usage: what a naive probe would read, garbage included. */
    void used(long bytes) {
        usage = usage(bytes);
    }

    /** Usage right after the last collection of the pool. */
    void usedAfterGc(long bytes) {
        collectionUsage = usage(bytes);
    }

    /** Committed is the whole max where there is one (the pool was sized up front). */
    private MemoryUsage usage(long used) {
        return new MemoryUsage(0, used, max > 0 ? max : used + 1, max);
    }

    MemoryPoolMXBean bean() {
        return (MemoryPoolMXBean) Proxy.newProxyInstance(
                MemoryPoolMXBean.class.getClassLoader(),
                new Class<?>[] {MemoryPoolMXBean.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getName" -> name;
                    case "getType" -> MemoryType.HEAP;
                    case "isValid", "isCollectionUsageThresholdSupported" -> true;
                    case "getUsage" -> usage;
                    case "getCollectionUsage" -> collectionUsage;
                    case "toString" -> "fake pool " + name;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
