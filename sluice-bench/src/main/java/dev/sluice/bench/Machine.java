package dev.sluice.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The machine and JVM a run used, for the report.
 *
 * @param cores         available processors
 * @param physicalBytes physical memory, -1 when unknown
 * @param maxHeapBytes  the heap's max (-Xmx)
 * @param jvm           vendor, name and version
 * @param jvmFlags      the JVM's input arguments
 * @param gcs           the garbage collectors' names
 * @param os            name, version and architecture
 */
record Machine(
        int cores,
        long physicalBytes,
        long maxHeapBytes,
        String jvm,
        List<String> jvmFlags,
        List<String> gcs,
        String os) {

    static Machine current() {
        long physical =
                ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                        ? os.getTotalMemorySize()
                        : -1;
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                physical,
                Runtime.getRuntime().maxMemory(),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + Runtime.version(),
                List.copyOf(ManagementFactory.getRuntimeMXBean().getInputArguments()),
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .toList(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    /** One line: "2 cores, 23.4 GiB RAM, heap max 1.0 GiB, <jvm>, GC ..., <os>". */
    String describe() {
        return String.format(
                "%d cores, %s RAM, heap max %s, %s, GC %s, %s",
                cores,
                physicalBytes < 0 ? "unknown" : gib(physicalBytes),
                gib(maxHeapBytes),
                jvm,
                String.join(" + ", gcs),
                os);
    }

    private static String gib(long bytes) {
        return String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    /** This process's CPUs (Cpus_allowed_list of /proc/self/status: all of them unless the launcher's --load-cpus pinned it). */
    static String allowedCpus() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring("Cpus_allowed_list:".length()).strip();
                }
            }
        } catch (java.io.IOException e) {
            // not Linux
        }
        return "unknown";
    }
}
