package dev.sluice.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bench.TrafficClient.Call;
import dev.sluice.bench.TrafficClient.Dialect;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * One level of the streams benchmark: {@code level} clients, started evenly over one stream's length,
 * each opening a stream, reading it to its end and opening the next until the level's time is up,
 * while Sluice's in-flight count and process are sampled once a second (when there is a Sluice:
 * a level may run straight against the fake provider for comparison).
 */
final class StreamLevel {
    private final TrafficClient client;
    private final SluiceProcess sluice;
    private final int level;
    private final Duration length;
    private final int deltas;
    private final Duration stall;
    private final Histogram maxGapMicros = new ConcurrentHistogram(1, PhaseRecorder.MAX_MICROS, 3);
    private final Histogram firstDeltaMicros = new ConcurrentHistogram(1, PhaseRecorder.MAX_MICROS, 3);
    private final LongAdder completed = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder stalls = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private final AtomicLong inFlightMax = new AtomicLong();
    private final Map<String, Long> errorKinds = new LinkedHashMap<>(); // guarded by itself, bounded

    StreamLevel(TrafficClient client, SluiceProcess sluice, int level, Duration length, int deltas, Duration stall) {
        this.client = client;
        this.sluice = sluice;
        this.level = level;
        this.length = length;
        this.deltas = deltas;
        this.stall = stall;
    }

    /**
     * What a level measured.
     *
     * @param maxGap per stream, its longest gap between two deltas
     * @param lost   completed streams with fewer or more deltas than sent
     */
    record Result(
            int level,
            long completed,
            long errors,
            long stalls,
            long lost,
            double deltasPerSecond,
            PhaseSummary.Latency maxGap,
            PhaseSummary.Latency firstDelta,
            long inFlightMax,
            long rssBytes,
            long threads,
            long fds,
            Map<String, Long> errorKinds,
            double sluiceCpuMicrosPerDelta,
            double benchCpuMicrosPerDelta) {
        boolean clean() {
            return stalls == 0 && lost == 0 && errors == 0;
        }

        ObjectNode json() {
            ObjectNode n = Output.JSON.valueToTree(this);
            n.put("clean", clean());
            return n;
        }

        String markdownRow() {
            return String.format(
                            "| %d | %d | %d | %.0f | %.0f | %.0f / %.0f / %.0f | %d | %d | %d | %.0f | %d | %d | %s / %.1f |",
                            level,
                            inFlightMax,
                            completed + errors,
                            deltasPerSecond,
                            firstDelta.p99Ms(),
                            maxGap.p50Ms(),
                            maxGap.p99Ms(),
                            maxGap.maxMs(),
                            stalls,
                            lost,
                            errors,
                            rssBytes / (1024.0 * 1024),
                            threads,
                            fds,
                            sluiceCpuMicrosPerDelta < 0 ? "–" : String.format("%.1f", sluiceCpuMicrosPerDelta),
                            benchCpuMicrosPerDelta)
                    .replace("| -0 | -1 | -1 |", "| – | – | – |");
        }
    }

    Result run() throws InterruptedException {
        long sluiceCpu0 = sluice == null ? -1 : sluice.proc().cpuMillis();
        long benchCpu0 = ProcStats.of(ProcessHandle.current().pid()).cpuMillis();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long spread = Duration.ofMillis(20L * deltas).toNanos(); // one stream's length
        Call call = Call.complete(Dialect.ANTHROPIC, true, "paced");
        Thread sampler = Thread.ofPlatform()
                .daemon()
                .name("sluice-bench-streams-sampler")
                .start(() -> {
                    if (sluice != null) {
                        sample(end);
                    }
                });
        try (ExecutorService holders = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("sluice-bench-stream-", 0).factory())) {
            for (int i = 0; i < level; i++) {
                long at = start + spread * i / level;
                holders.submit(() -> {
                    Park.until(at);
                    while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                        long sent = System.nanoTime();
                        record(client.call(call), sent);
                    }
                    return null;
                });
            }
        }
        sampler.join(Duration.ofSeconds(5));
        ProcStats.Sample proc = sluice == null ? new ProcStats.Sample(-1, -1, -1, -1) : sluice.proc();
        double seconds = (System.nanoTime() - start) / 1e9;
        double deltas = Math.max(1, frames.sum());
        double sluiceCpu = sluice == null ? -1 : (proc.cpuMillis() - sluiceCpu0) * 1000.0 / deltas;
        double benchCpu = (ProcStats.of(ProcessHandle.current().pid()).cpuMillis() - benchCpu0) * 1000.0 / deltas;
        synchronized (errorKinds) {
            return new Result(
                    level,
                    completed.sum(),
                    errors.sum(),
                    stalls.sum(),
                    lost.sum(),
                    frames.sum() / seconds,
                    PhaseSummary.Latency.of(maxGapMicros),
                    PhaseSummary.Latency.of(firstDeltaMicros),
                    inFlightMax.get(),
                    proc.rssBytes(),
                    proc.threads(),
                    proc.fds(),
                    Map.copyOf(errorKinds),
                    sluiceCpu,
                    benchCpu);
        }
    }

    private void record(CallResult r, long sentNanos) {
        if (r.outcome() != CallResult.Outcome.COMPLETED) {
            errors.increment();
            synchronized (errorKinds) {
                String kind = r.outcome() == CallResult.Outcome.SHED ? "shed" : r.error();
                if (errorKinds.containsKey(kind) || errorKinds.size() < PhaseRecorder.MAX_ERROR_KINDS) {
                    errorKinds.merge(kind, 1L, Long::sum);
                }
            }
            return;
        }
        completed.increment();
        frames.add(r.frames());
        if (r.frames() != deltas) {
            lost.increment();
        }
        if (r.maxGapNanos() > stall.toNanos()) {
            stalls.increment();
        }
        maxGapMicros.recordValue(PhaseRecorder.micros(r.maxGapNanos()));
        firstDeltaMicros.recordValue(PhaseRecorder.micros(r.firstEventNanos() - sentNanos));
    }

    private void sample(long end) {
        while (System.nanoTime() < end) {
            try {
                inFlightMax.accumulateAndGet(sluice.stats().path("inFlight").asLong(0), Math::max);
            } catch (Exception e) {
                // a missed sample: the maximum is taken over the others
            }
            Park.until(System.nanoTime() + Duration.ofSeconds(1).toNanos());
        }
    }
}
