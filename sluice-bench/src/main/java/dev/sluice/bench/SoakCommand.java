package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.LeastSquares;
import dev.sluice.fake.FakeProvider;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-bench soak}: N mixed requests at a constant arrival rate through Sluice in its own
 * JVM, sampling its process and {@code /system/stats}, with a full GC every checkpoint to read the
 * heap floor; reports the floor's slope in bytes per request, RSS growth, and whether in-flight,
 * threads and file descriptors are back at their baseline once idle.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = {
            "N mixed requests (streams and whole answers in both dialects, 10% disconnects, 5% upstream faults",
            "of every kind, 5% slow readers, an outage phase) at a constant rate; heap slope, RSS, threads, FDs.",
            "Writes soak.json, .md and .png."
        })
final class SoakCommand implements Callable<Integer> {
    static final double TARGET_SLOPE = 0.25;

    /** Shares of the rate the warm-up climbs through, an equal number of requests at each. */
    private static final double[] WARMUP_RAMP = {0.1, 0.25, 0.5, 1.0};

    @Option(
            names = "--requests",
            paramLabel = "N",
            defaultValue = "1000000",
            description = "requests (default: ${DEFAULT-VALUE})")
    long requests;

    @Option(
            names = "--rate",
            paramLabel = "R",
            defaultValue = "500",
            description = "arrival rate, req/s (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(
            names = "--checkpoints",
            paramLabel = "N",
            defaultValue = "20",
            description = "full GCs (heap floor readings) over the run (default: ${DEFAULT-VALUE})")
    int checkpoints;

    @Option(
            names = "--idle-seconds",
            paramLabel = "N",
            defaultValue = "40",
            description = "idle time before the baseline and after the run, longer than the clients' 30 s keep-alive "
                    + "so connections pooled by the warm-up are closed (default: ${DEFAULT-VALUE})")
    int idleSeconds;

    @Option(
            names = "--max-outstanding",
            paramLabel = "N",
            defaultValue = "4000",
            description = "requests the client keeps open at most (default: ${DEFAULT-VALUE})")
    int maxOutstanding;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "7",
            description = "seed of the request mix (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    Output.Options options;

    @Spec
    CommandSpec spec;

    /**
     * One checkpoint: requests ended so far, the post-GC floor and the process.
     *
     * @param upstreamConnections connections open in Sluice's upstream pools (active + idle, all providers)
     */
    record Point(
            double atSeconds,
            long requestsEnded,
            long floorBytes,
            long rssBytes,
            long threads,
            long fds,
            long inFlight,
            long usageDropped,
            long cpuMillis,
            long upstreamConnections) {}

    @Override
    public Integer call() throws Exception {
        if (requests < 1000 || !(rate > 0) || checkpoints < 3 || idleSeconds < 0) {
            spec.commandLine()
                    .getErr()
                    .println("sluice-bench: --requests >= 1000, --rate > 0, --checkpoints >= 3, --idle-seconds >= 0");
            return 2;
        }
        PrintStream log = System.err;
        Instant started = Instant.now();
        Machine machine = Machine.current();
        try (FakeProvider fake = FakeProvider.builder().start()) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("providers.ok.kind", "anthropic");
            settings.put("providers.ok.url", fake.baseUri().toString());
            settings.put("providers.ok.api-keys", "bench");
            settings.put("providers.down.kind", "openai");
            settings.put("providers.down.url", "http://127.0.0.1:9/v1");
            settings.put("providers.down.api-keys", "bench");
            settings.put("routing.default-provider", "ok");
            settings.put("routes.outage.targets", "down:gone");
            settings.put("routing.probe-min", "30s");
            settings.put("timeouts.connect", "200ms");
            settings.put("timeouts.first-byte", "2s");
            settings.put("timeouts.idle", "2s");
            settings.put("timeouts.total", "5s"); // a whole answer waits for its headers up to timeouts.total
            settings.put("admission.max-in-flight", "2048");
            try (SluiceProcess sluice =
                            SluiceProcess.start(options.jvmFlags(), options.settings(settings), options.sluiceCpus);
                    TrafficClient client = TrafficClient.create(sluice.baseUri(), Duration.ofSeconds(30))) {
                run(sluice, client, started, machine, log);
            }
        }
        return 0;
    }

    private void run(SluiceProcess sluice, TrafficClient client, Instant started, Machine machine, PrintStream log)
            throws Exception {
        SoakMix mix = new SoakMix(requests, seed);
        AtomicLong next = new AtomicLong();
        AtomicLong ended = new AtomicLong();
        OpenLoop loop = new OpenLoop(
                () -> {
                    CallResult r = client.call(mix.call(next.getAndIncrement()));
                    ended.incrementAndGet();
                    return r;
                },
                maxOutstanding);
        long warmup = Math.max(1000, requests / 50);
        log.printf("sluice-bench: soak, warm-up %d requests ramping to %.0f req/s%n", warmup, rate);
        // ramped: a cold JVM at the full rate piles up hundreds of requests, and the connections they open stay
        // pooled (idle) for tens of seconds, which would put them in the baseline and the first checkpoints
        for (double share : WARMUP_RAMP) {
            segment(loop, warmup / WARMUP_RAMP.length, rate * share, "warm-up");
        }
        loop.awaitIdle(Duration.ofSeconds(60));
        Thread.sleep(idleSeconds * 1000L);
        long t0 = System.nanoTime();
        List<Point> points = new ArrayList<>();
        next.set(0);
        ended.set(0);
        points.add(point(sluice, t0, ended.get()));
        ProcStats.Sample base = sluice.proc(); // after the checkpoint's full GC, which may give heap back (RSS)
        List<PhaseRecorder> segments = new ArrayList<>();
        long per = requests / checkpoints;
        for (int c = 0; c < checkpoints; c++) {
            segments.add(segment(loop, per, rate, "segment " + (c + 1)));
            Point p = point(sluice, t0, ended.get());
            points.add(p);
            log.printf(
                    "sluice-bench: %,d requests ended, floor %.1f MiB, RSS %.0f MiB, threads %d, FDs %d, in flight %d%n",
                    p.requestsEnded(),
                    p.floorBytes() / 1048576.0,
                    p.rssBytes() / 1048576.0,
                    p.threads(),
                    p.fds(),
                    p.inFlight());
        }
        boolean drained = loop.awaitIdle(Duration.ofSeconds(60));
        Thread.sleep(idleSeconds * 1000L);
        Point idle = point(sluice, t0, ended.get());
        JsonNode finalStats = sluice.stats();
        report(started, machine, sluice, points, idle, base, segments, drained, finalStats, log);
    }

    /** Sends {@code count} requests at the rate, returning when the last is due (it may still be open). */
    private static PhaseRecorder segment(OpenLoop loop, long count, double rate, String name) {
        Phase phase = new Phase(name, rate, Duration.ofNanos((long) (count / rate * 1e9)), Phase.Kind.LOAD);
        List<PhaseRecorder> recs = OpenLoop.plan(List.of(phase), 1, System.nanoTime() + 1_000_000);
        loop.run(recs, r -> {});
        return recs.get(0);
    }

    private static Point point(SluiceProcess sluice, long t0, long endedSoFar) throws Exception {
        long floor = sluice.gcFloorBytes();
        ProcStats.Sample proc = sluice.proc();
        JsonNode stats = sluice.stats();
        return new Point(
                (System.nanoTime() - t0) / 1e9,
                endedSoFar,
                floor,
                proc.rssBytes(),
                proc.threads(),
                proc.fds(),
                stats.path("inFlight").asLong(-1),
                stats.path("usage").path("dropped").asLong(-1),
                proc.cpuMillis(),
                upstreamConnections(stats));
    }

    /** Active plus idle connections over every upstream pool in a {@code /system/stats} document. */
    static long upstreamConnections(JsonNode stats) {
        long n = 0;
        for (JsonNode u : stats.path("upstreams")) {
            n += u.path("activeConnections").asLong()
                    + u.path("idleConnections").asLong();
        }
        return n;
    }

    private void report(
            Instant started,
            Machine machine,
            SluiceProcess sluice,
            List<Point> points,
            Point idle,
            ProcStats.Sample base,
            List<PhaseRecorder> segments,
            boolean drained,
            JsonNode finalStats,
            PrintStream log)
            throws Exception {
        // the first segment is warm-up too (JIT, pools, bounded caches reaching working size): measured from its end
        List<Point> measured = points.subList(1, points.size());
        double[] x = measured.stream().mapToDouble(Point::requestsEnded).toArray();
        double[] floors = measured.stream().mapToDouble(Point::floorBytes).toArray();
        double slope = LeastSquares.slope(x, floors);
        double slopeError = LeastSquares.slopeStandardError(x, floors);
        long growth =
                measured.get(measured.size() - 1).floorBytes() - measured.get(0).floorBytes();
        List<Point> late = measured.subList(measured.size() / 2, measured.size());
        double rssPerMin = LeastSquares.slope(
                late.stream().mapToDouble(p -> p.atSeconds() / 60).toArray(),
                late.stream().mapToDouble(p -> p.rssBytes() / 1048576.0).toArray());
        long peakRss = points.stream().mapToLong(Point::rssBytes).max().orElse(-1);
        long completed = segments.stream().mapToLong(PhaseRecorder::completed).sum();
        long disconnected =
                segments.stream().mapToLong(PhaseRecorder::disconnected).sum();
        long shed = segments.stream().mapToLong(PhaseRecorder::shed).sum();
        long errors = segments.stream().mapToLong(PhaseRecorder::errors).sum();
        long overflow =
                segments.stream().mapToLong(PhaseRecorder::clientOverflow).sum();
        Point last = points.get(points.size() - 1);
        double cpuPerRequest =
                (last.cpuMillis() - points.get(0).cpuMillis()) * 1000.0 / Math.max(1, last.requestsEnded());

        String command = Output.commandLine(spec);
        ObjectNode root = Output.root("soak", command, started, machine, sluice);
        root.put("requests", requests).put("rate", rate).put("seed", seed).put("drained", drained);
        root.put("sluiceCpuMicrosPerRequest", Output.round(cpuPerRequest, 1));
        root.put("slopeBytesPerRequest", slope)
                .put("slopeStandardError", slopeError)
                .put("floorGrowthBytes", growth)
                .put("rssGrowthMiBPerMinuteSecondHalf", rssPerMin);
        root.putObject("outcomes")
                .put("completed", completed)
                .put("disconnected", disconnected)
                .put("shed", shed)
                .put("errors", errors)
                .put("clientOverflow", overflow);
        root.set("baseline", Output.JSON.valueToTree(base));
        root.set("idleAfter", Output.JSON.valueToTree(idle));
        ArrayNode arr = root.putArray("checkpoints");
        points.forEach(p -> arr.add(Output.JSON.valueToTree(p)));
        root.set("finalSystemStats", finalStats);

        StringBuilder md = new StringBuilder(
                String.format("Soak: %,d mixed requests at %.0f req/s (seed %d)%n%n", requests, rate, seed));
        md.append(
                "| requests ended | minutes | post-GC heap floor MiB | RSS MiB | threads | FDs | upstream connections | in flight |\n"
                        + "|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Point p : points) {
            md.append(String.format(
                    "| %,d | %.1f | %.2f | %.0f | %d | %d | %d | %d |%n",
                    p.requestsEnded(),
                    p.atSeconds() / 60,
                    p.floorBytes() / 1048576.0,
                    p.rssBytes() / 1048576.0,
                    p.threads(),
                    p.fds(),
                    p.upstreamConnections(),
                    p.inFlight()));
        }
        md.append(String.format(
                "%n- Outcomes: %,d completed, %,d disconnected by the client, %,d shed, %,d errors "
                        + "(faults and the outage answer with errors by design), %,d client overflows.%n",
                completed, disconnected, shed, errors, overflow));
        md.append(String.format(
                "- Heap floor slope after the first segment: **%.3f B/request** (standard error %.3f; target <= %.2f "
                        + "over 10M: %s at %,d), growth %+.2f MiB.%n",
                slope,
                slopeError,
                TARGET_SLOPE,
                slope <= TARGET_SLOPE ? "PASS" : "FAIL",
                requests,
                growth / 1048576.0));
        md.append(String.format(
                "- RSS: baseline %.0f MiB, peak %.0f MiB, second-half growth %.2f MiB/min, %.0f MiB idle after.%n",
                base.rssBytes() / 1048576.0, peakRss / 1048576.0, rssPerMin, idle.rssBytes() / 1048576.0));
        md.append(String.format(
                "- Sluice CPU: %.0f µs per request (user + system, including the checkpoints' full GCs).%n",
                cpuPerRequest));
        md.append(String.format(
                "- Idle after the run (%d s): in flight %d, threads %d (baseline %d), FDs %d (baseline %d), "
                        + "upstream connections %d (baseline %d), every request ended: %s.%n",
                idleSeconds,
                idle.inFlight(),
                idle.threads(),
                base.threads(),
                idle.fds(),
                base.fds(),
                idle.upstreamConnections(),
                points.get(0).upstreamConnections(),
                drained ? "yes" : "no"));
        md.append('\n').append(Output.context(command, machine, sluice));
        Output.write(options.out, "soak", root, md.toString(), charts(points), log);
    }

    private static List<XYChart> charts(List<Point> points) {
        double[] x =
                points.stream().mapToDouble(p -> p.requestsEnded() / 1000.0).toArray();
        XYChart heap = Plots.panel(
                "Sluice post-GC heap floor (full GC at each checkpoint)", "requests (thousands)", "MiB", false);
        Plots.line(
                heap,
                "heap floor",
                x,
                points.stream().mapToDouble(p -> p.floorBytes() / 1048576.0).toArray(),
                Plots.BLUE,
                false);
        XYChart rss = Plots.panel(
                "Sluice process: RSS, threads and file descriptors", "requests (thousands)", "MiB / count", false);
        Plots.line(
                rss,
                "RSS MiB",
                x,
                points.stream().mapToDouble(p -> p.rssBytes() / 1048576.0).toArray(),
                Plots.GREEN,
                false);
        Plots.line(
                rss, "threads", x, points.stream().mapToDouble(Point::threads).toArray(), Plots.ORANGE, false);
        Plots.line(rss, "FDs", x, points.stream().mapToDouble(Point::fds).toArray(), Plots.GREY, false);
        return List.of(heap, rss);
    }
}
