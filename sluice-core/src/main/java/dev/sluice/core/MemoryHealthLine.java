package dev.sluice.core;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Locale;
import java.util.Map;

/**
 * The one-line health log: {@code health state=OK heapFloor=812MiB heapMax=4096MiB floor=19.8%
 * slope=+1.2MiB/min perRequest=+35B leak=false cpu=12% threads=57} followed by the caller's
 * {@code key=value} pairs in their map's order.
 */
final class MemoryHealthLine {

    private static final double MIB = 1024.0 * 1024.0;

    private MemoryHealthLine() {}

    static String format(MemoryReport r, double cpuLoad, int liveThreads, Map<String, ?> extra) {
        StringBuilder line = new StringBuilder(160)
                .append("health state=")
                .append(r.state())
                .append(" heapFloor=")
                .append(mib(r.floorBytes()))
                .append(" heapMax=")
                .append(mib(r.maxBytes()))
                .append(" floor=")
                .append(percent(r.floorFraction()))
                .append(" slope=")
                .append(signedMib(r.slopeBytesPerMinute()))
                .append("/min")
                .append(" perRequest=")
                .append(String.format(Locale.ROOT, "%+.0fB", r.slopeBytesPerRequest()))
                .append(" leak=")
                .append(r.leakSuspected())
                .append(" gcs=")
                .append(r.gcCount())
                .append(" cpu=")
                .append(cpuLoad < 0 ? "n/a" : percent(cpuLoad))
                .append(" threads=")
                .append(liveThreads);
        extra.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        return line.toString();
    }

    /** This process's recent CPU load in [0, 1], or -1 where the JVM does not tell. */
    static double processCpuLoad() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotSpot) {
            return hotSpot.getProcessCpuLoad();
        }
        return -1;
    }

    static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** {@code 0.93 -> "93%"}, {@code 0.925 -> "92.5%"}. */
    static String percent(double fraction) {
        long tenths = Math.round(fraction * 1000);
        return tenths % 10 == 0 ? tenths / 10 + "%" : tenths / 10 + "." + Math.abs(tenths % 10) + "%";
    }

    static String mib(long bytes) {
        return Math.round(bytes / MIB) + "MiB";
    }

    private static String signedMib(double bytes) {
        return String.format(Locale.ROOT, "%+.1fMiB", bytes / MIB);
    }
}
