package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapDumpsTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final MemoryTestProbe probe = new MemoryTestProbe(clock);
    private final List<Path> dumped = new CopyOnWriteArrayList<>();
    private final HeapDumper fakeDumper = file -> {
        dumped.add(file);
        Files.writeString(file, "fake heap");
    };

    private MemoryMonitor monitorWithDumps() {
        return MemoryMonitor.builder()
                .probe(probe)
                .clock(clock)
                .heapDumpsEnabled(true)
                .heapDumpDirectory(dir.resolve("dumps"))
                .heapDumper(fakeDumper)
                .build();
    }

    private void gc(MemoryMonitor m, double fraction) {
        probe.gcLeft(fraction);
        m.refresh();
    }

    @Test
    void enteringCriticalWritesOneDumpAndAnotherEntryWithinTheMinIntervalWritesNone() throws IOException {
        try (MemoryMonitor m = monitorWithDumps()) {
            gc(m, 0.95);
            gc(m, 0.97); // still critical: not a new entry
            assertThat(hprofFiles()).hasSize(1).first().asString().endsWith("sluice-heap-20260101T000000.000Z.hprof");

            gc(m, 0.50);
            clock.advance(Duration.ofMinutes(59));
            gc(m, 0.95);
            assertThat(hprofFiles()).hasSize(1);

            gc(m, 0.50);
            clock.advance(Duration.ofMinutes(1));
            gc(m, 0.95);
            assertThat(hprofFiles()).hasSize(2);
            assertThat(dumped).hasSize(2);
        }
    }

    @Test
    void heapDumpsAreOffByDefault() {
        try (MemoryMonitor m = MemoryMonitor.builder()
                .probe(probe)
                .clock(clock)
                .heapDumper(fakeDumper)
                .build()) {
            gc(m, 0.95);

            assertThat(m.underPressure()).isTrue();
            assertThat(dumped).isEmpty();
        }
    }

    @Test
    void aFailingDumpIsLoggedAndCountsAgainstTheInterval() {
        List<Path> tried = new CopyOnWriteArrayList<>();
        try (MemoryMonitor m = MemoryMonitor.builder()
                .probe(probe)
                .clock(clock)
                .heapDumpsEnabled(true)
                .heapDumpDirectory(dir)
                .heapDumper(file -> {
                    tried.add(file);
                    throw new IOException("planted: disk full");
                })
                .build()) {
            gc(m, 0.95);
            gc(m, 0.50);
            gc(m, 0.95);

            assertThat(m.underPressure()).isTrue();
            assertThat(tried).hasSize(1);
        }
    }

    @Test
    void onlyOneDumpIsWrittenAtATime() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HeapDumps dumps = new HeapDumps(
                dir,
                Duration.ZERO,
                file -> {
                    entered.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Files.writeString(file, "slow fake heap");
                },
                clock);
        CompletableFuture<Optional<Path>> first = CompletableFuture.supplyAsync(dumps::dumpIfDue);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(dumps.dumpIfDue()).as("while the first is being written").isEmpty();

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(dumps.dumpIfDue()).as("after the first finished").isPresent();
    }

    @Test
    void hotSpotDumperWritesARealHprofFile() throws IOException {
        Path file = dir.resolve("real.hprof");

        HeapDumper.hotSpot().dump(file);

        byte[] head = new byte[12];
        try (InputStream in = Files.newInputStream(file)) {
            assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(head.length);
        }
        assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE");
    }

    private List<Path> hprofFiles() throws IOException {
        Path dumps = dir.resolve("dumps");
        if (!Files.isDirectory(dumps)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dumps)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".hprof"))
                    .toList();
        }
    }
}
