package dev.sluice.bench;

import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.store.StoreSettings;
import dev.sluice.gateway.usage.UsageRecord;
import dev.sluice.gateway.usage.UsageRecorder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Usage recording as the table grows: Sluice's own {@link UsageRecorder} on a real store (SQLite in a temporary
 * file, or PostgreSQL with {@code --store-url}), fed as fast as its writer keeps up without dropping, with CPU
 * per record (the writer thread's, and the recording thread's) measured per slice of rows.
 */
@Command(
        name = "usage",
        mixinStandardHelpOptions = true,
        description = "CPU per usage record as the usage table grows (SQLite, or PostgreSQL with --store-url)")
final class UsageCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "10000000", description = "rows to write (default: ${DEFAULT-VALUE})")
    long rows;

    @Option(names = "--slice", defaultValue = "1000000", description = "rows per reported slice")
    long slice;

    @Option(names = "--store-url", description = "jdbc:postgresql://127.0.0.1:5432/test (default: a SQLite file)")
    String url = "";

    @Option(names = "--store-user", defaultValue = "")
    String user;

    @Option(names = "--batch-size", defaultValue = "500", description = "usage.batch-size")
    int batchSize;

    @Option(names = "--queue-size", defaultValue = "10000", description = "usage.queue-size")
    int queueSize;

    @Option(names = "--out", defaultValue = "${sys:sluice.bench.out:-docs/bench}")
    Path out;

    private static final String[] KEYS = keys(50);
    private static final String[] TENANTS = {"acme", "globex", "initech", "umbrella", "hooli"};

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("sluice-usage-bench");
        boolean sqlite = url.isEmpty();
        String jdbc = sqlite ? "jdbc:sqlite:" + dir.resolve("usage.db") : url;
        StoreSettings settings = new StoreSettings(jdbc, user, "", 4, Duration.ofSeconds(5), Duration.ZERO);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<String> lines = new ArrayList<>();
        lines.add("| rows in the table | writer CPU µs/record | recording thread ns/record | records/s written |"
                + " database size MiB |");
        lines.add("|--:|--:|--:|--:|--:|");
        try (Store store = Store.open(settings)) {
            if (!sqlite) {
                try (Connection c = store.dataSource().getConnection();
                        Statement s = c.createStatement()) {
                    s.execute("DELETE FROM usage_records");
                }
            }
            UsageRecorder recorder = new UsageRecorder(store.dataSource(), queueSize, batchSize, Duration.ofSeconds(1));
            try {
                long writerId = writerThreadId();
                long me = Thread.currentThread().threadId();
                long sent = 0;
                while (sent < rows) {
                    long sliceStart = System.nanoTime();
                    long writerCpu0 = threads.getThreadCpuTime(writerId);
                    long myRecordNanos = 0;
                    long written0 = recorder.stats().written();
                    long end = Math.min(rows, sent + slice);
                    while (sent < end) {
                        if (recorder.stats().queued() > queueSize / 2) {
                            if (!settled(recorder, sent - queueSize / 2)) {
                                return 1;
                            }
                            continue;
                        }
                        long t0 = threads.getThreadCpuTime(me);
                        int n = (int) Math.min(1000, end - sent);
                        for (int i = 0; i < n; i++) {
                            recorder.record(record(sent + i));
                        }
                        myRecordNanos += threads.getThreadCpuTime(me) - t0;
                        sent += n;
                    }
                    if (!settled(recorder, sent)) {
                        return 1;
                    }
                    long wall = System.nanoTime() - sliceStart;
                    long wrote = recorder.stats().written() - written0;
                    double writerUs = (threads.getThreadCpuTime(writerId) - writerCpu0) / 1000.0 / wrote;
                    double recordNs = (double) myRecordNanos / wrote;
                    String line = String.format(
                            Locale.ROOT,
                            "| %,d | %.2f | %.0f | %,.0f | %s |",
                            sent,
                            writerUs,
                            recordNs,
                            wrote / (wall / 1e9),
                            sqlite ? String.format(Locale.ROOT, "%,.0f", size(dir) / 1048576.0) : "–");
                    lines.add(line);
                    System.out.println(line);
                }
                if (recorder.stats().dropped() > 0) {
                    System.err.println("records dropped: " + recorder.stats().dropped());
                    return 1;
                }
            } finally {
                recorder.close(Duration.ofSeconds(30));
            }
        } finally {
            if (sqlite) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
        }
        Files.createDirectories(out);
        String name = "usage-" + (sqlite ? "sqlite" : "postgresql") + ".md";
        String text = "# Usage recording as the table grows (" + (sqlite ? "SQLite" : "PostgreSQL") + ")\n\n"
                + "`./sluice-bench-run usage --rows " + rows
                + (sqlite ? "" : " --store-url " + url + (user.isEmpty() ? "" : " --store-user " + user))
                + "`: batch " + batchSize + ", queue " + queueSize + "; each line is the slice of rows before it.\n\n"
                + String.join("\n", lines) + "\n";
        Files.writeString(out.resolve(name), text, StandardCharsets.UTF_8);
        System.out.println("wrote " + out.resolve(name));
        return 0;
    }

    private static UsageRecord record(long n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String id = "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE)
                + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
        return new UsageRecord(
                id,
                System.currentTimeMillis(),
                KEYS[(int) (n % KEYS.length)],
                TENANTS[(int) (n % TENANTS.length)],
                "claude-sonnet-4-5",
                "anthropic",
                "claude-sonnet-4-5-20250929",
                "anthropic",
                (n & 1) == 0,
                1200 + (n % 500),
                300 + (n % 200),
                n % 7 == 0 ? 1000 : 0,
                0,
                850 + (n % 300),
                120,
                200,
                "SUCCESS",
                4200);
    }

    private static long writerThreadId() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("sluice-usage-writer"))
                .findFirst()
                .orElseThrow()
                .threadId();
    }

    private static long size(Path dir) throws java.io.IOException {
        long total = 0;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                total += Files.size(f);
            }
        }
        return total;
    }

    private static String[] keys(int n) {
        String[] k = new String[n];
        for (int i = 0; i < n; i++) {
            k[i] = "key_" + Integer.toHexString(0x1000 + i * 7919);
        }
        return k;
    }

    /** How long the writer may make no progress before the run gives up (a store that is down or stuck). */
    private static final long STUCK_NANOS = 60_000_000_000L;

    /**
     * Waits until {@code upTo} records are written (the producer paces itself on the writer, polling every
     * millisecond). False, with the reason on stderr, when records were dropped (the figures would not be per record
     * written) or the writer wrote nothing for a minute: the run stops instead of waiting for ever.
     */
    private static boolean settled(UsageRecorder recorder, long upTo) throws InterruptedException {
        long written = recorder.stats().written();
        long progressAt = System.nanoTime();
        while (written < upTo) {
            UsageRecorder.Stats st = recorder.stats();
            if (st.dropped() > 0) {
                System.err.println("sluice-bench: the recorder dropped " + st.dropped() + " records; stopping");
                return false;
            }
            if (st.written() > written) {
                written = st.written();
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > STUCK_NANOS) {
                System.err.println("sluice-bench: nothing written for a minute (" + st.writeFailures()
                        + " write failures, last: " + st.lastError() + "); stopping");
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }
}
