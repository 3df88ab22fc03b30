package dev.sluice.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Heap dumps on entering CRITICAL: at most one at a time and at most one per minimum interval,
 * named {@code sluice-heap-<UTC timestamp>.hprof} in the directory. A failed dump is logged and
 * also counts against the interval, so a broken disk is not retried on every entry.
 */
final class HeapDumps {

    private static final Logger LOG = System.getLogger(HeapDumps.class.getName());
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path directory;
    private final Duration minInterval;
    private final HeapDumper dumper;
    private final Clock clock;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile @Nullable Instant lastAttempt; // written only while busy

    HeapDumps(Path directory, Duration minInterval, HeapDumper dumper, Clock clock) {
        this.directory = Objects.requireNonNull(directory, "heapDumpDirectory");
        this.minInterval = Durations.notNegative(minInterval, "heapDumpMinInterval");
        this.dumper = Objects.requireNonNull(dumper, "heapDumper");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Writes a dump unless one is running or the last began less than the minimum interval ago. */
    Optional<Path> dumpIfDue() {
        if (!busy.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "heap dump skipped: another is being written");
            return Optional.empty();
        }
        try {
            Instant now = clock.instant();
            Instant last = lastAttempt;
            if (last != null && now.isBefore(last.plus(minInterval))) {
                LOG.log(Level.INFO, "heap dump skipped: the last began at {0}, less than {1} ago", last, minInterval);
                return Optional.empty();
            }
            lastAttempt = now;
            return write(directory.resolve("sluice-heap-" + STAMP.format(now) + ".hprof"));
        } finally {
            busy.set(false);
        }
    }

    private Optional<Path> write(Path file) {
        long start = System.nanoTime();
        try {
            Files.createDirectories(directory);
            dumper.dump(file);
            LOG.log(
                    Level.WARNING,
                    "heap dump written to {0} in {1} ms",
                    file,
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
            return Optional.of(file);
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "heap dump to " + file + " failed", e);
            return Optional.empty();
        }
    }
}
