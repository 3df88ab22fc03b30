package dev.sluice.core;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/** Writes a heap dump to a file that must not exist yet; injectable so tests need not dump. */
@FunctionalInterface
interface HeapDumper {

    void dump(Path file) throws IOException;

    /** {@code HotSpotDiagnosticMXBean.dumpHeap(file, true)}: live objects only (forces a full GC). */
    static HeapDumper hotSpot() {
        return file -> ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpHeap(file.toString(), true);
    }
}
