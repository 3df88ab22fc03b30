package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bench.TrafficClient.Call;
import dev.sluice.bench.TrafficClient.Dialect;
import dev.sluice.fake.FakeProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-bench streams}: how many concurrent SSE streams (64 deltas paced 20 ms) Sluice relays
 * without a stall (a gap over 200 ms between two deltas) or a lost frame, ramping the number held
 * open until one fails; then the heap each parked stream costs Sluice.
 */
@Command(
        name = "streams",
        mixinStandardHelpOptions = true,
        description = {
            "Concurrent SSE streams (64 deltas paced 20 ms) held through Sluice without a stall (gap > 200 ms)",
            "or lost frame, ramping until one fails; then heap per parked stream. Writes streams.json, .md, .png."
        })
final class StreamsCommand implements Callable<Integer> {
    static final int DELTAS = 64;
    static final Duration DELTA_INTERVAL = Duration.ofMillis(20);
    static final Duration STALL = Duration.ofMillis(200);
    static final int TARGET_STREAMS = 4000;
    static final double TARGET_HEAP_PER_PARKED_KIB = 32;

    @Option(
            names = "--levels",
            paramLabel = "N,N...",
            split = ",",
            defaultValue = "250,500,1000,2000,4000,6000,8000",
            description = "streams held open at each step (default: ${DEFAULT-VALUE})")
    List<Integer> levels;

    @Option(
            names = "--level-seconds",
            paramLabel = "N",
            defaultValue = "20",
            description = "length of a step (default: ${DEFAULT-VALUE})")
    int levelSeconds;

    @Option(names = "--keep-going", description = "run every level even after one stalled")
    boolean keepGoing;

    @Option(
            names = "--direct",
            description =
                    "hold the levels' streams straight to the fake provider, not through Sluice (a baseline of the client and fake)")
    boolean direct;

    @Option(
            names = "--warmup-seconds",
            paramLabel = "N",
            defaultValue = "10",
            description = "unreported warm-up at the first level (default: ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(
            names = "--parked",
            paramLabel = "K",
            defaultValue = "2000",
            description = "streams parked to measure heap per stream; 0 skips it (default: ${DEFAULT-VALUE})")
    int parked;

    @Mixin
    Output.Options options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (levels.isEmpty() || levels.stream().anyMatch(l -> l < 1) || levelSeconds < 1 || parked < 0) {
            spec.commandLine()
                    .getErr()
                    .println("sluice-bench: --levels >= 1 each, --level-seconds >= 1, --parked >= 0");
            return 2;
        }
        PrintStream log = System.err;
        Instant started = Instant.now();
        Machine machine = Machine.current();
        int most = Math.max(
                parked, levels.stream().mapToInt(Integer::intValue).max().orElse(0));
        String bound = Integer.toString(most + 64);
        try (FakeProvider paced = FakeProvider.builder()
                        .deltas(DELTAS)
                        .deltaInterval(DELTA_INTERVAL)
                        .start();
                FakeProvider slow = FakeProvider.builder()
                        .deltas(2)
                        .deltaInterval(Duration.ofSeconds(40))
                        .start()) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("providers.paced.kind", "anthropic");
            settings.put("providers.paced.url", paced.baseUri().toString());
            settings.put("providers.paced.api-keys", "bench");
            settings.put("providers.slow.kind", "anthropic");
            settings.put("providers.slow.url", slow.baseUri().toString());
            settings.put("providers.slow.api-keys", "bench");
            settings.put("routing.default-provider", "paced");
            settings.put("routes.parked.targets", "slow:parked");
            settings.put("admission.max-in-flight", bound);
            settings.put("upstream.max-connections", bound);
            settings.put("upstream.max-queued-requests", bound);
            try (SluiceProcess sluice =
                            SluiceProcess.start(options.jvmFlags(), options.settings(settings), options.sluiceCpus);
                    TrafficClient client = TrafficClient.create(sluice.baseUri(), Duration.ofSeconds(60));
                    TrafficClient straight = TrafficClient.create(paced.baseUri(), Duration.ofSeconds(60))) {
                long fdsAtStart = sluice.proc().fds();
                TrafficClient levelClient = direct ? straight : client;
                SluiceProcess levelSluice = direct ? null : sluice;
                if (warmupSeconds > 0) {
                    log.printf("sluice-bench: warm-up, %d streams for %d s%n", levels.get(0), warmupSeconds);
                    new StreamLevel(
                                    levelClient,
                                    levelSluice,
                                    levels.get(0),
                                    Duration.ofSeconds(warmupSeconds),
                                    DELTAS,
                                    STALL)
                            .run();
                }
                List<StreamLevel.Result> results = new ArrayList<>();
                for (int level : levels) {
                    log.printf(
                            "sluice-bench: streams, %d held for %d s%s%n",
                            level, levelSeconds, direct ? " straight to the fake" : "");
                    StreamLevel.Result r = new StreamLevel(
                                    levelClient, levelSluice, level, Duration.ofSeconds(levelSeconds), DELTAS, STALL)
                            .run();
                    results.add(r);
                    log.printf(
                            "sluice-bench:   %d streams ended, stalls %d, lost %d, errors %d, max gap %.0f ms, in flight max %d%n",
                            r.completed() + r.errors(),
                            r.stalls(),
                            r.lost(),
                            r.errors(),
                            r.maxGap().maxMs(),
                            r.inFlightMax());
                    if (!r.clean() && !keepGoing) {
                        break;
                    }
                }
                ObjectNode parkedResult = parked > 0 ? parked(client, sluice, fdsAtStart, log) : null;
                report(started, machine, sluice, results, parkedResult, log);
            }
        }
        return 0;
    }

    /** Heap per parked stream: post-GC floor with {@code parked} streams open (each past its first delta) minus before. */
    private ObjectNode parked(TrafficClient client, SluiceProcess sluice, long fdsAtStart, PrintStream log)
            throws Exception {
        awaitPooledConnectionsClosed(sluice, fdsAtStart, log);
        log.printf("sluice-bench: parking %d streams%n", parked);
        long before = sluice.gcFloorBytes();
        ProcStats.Sample procBefore = sluice.proc();
        CountDownLatch open = new CountDownLatch(parked);
        CountDownLatch release = new CountDownLatch(1);
        Call call = Call.complete(Dialect.ANTHROPIC, true, "parked");
        long during;
        ProcStats.Sample procDuring;
        long inFlight;
        boolean allOpen;
        try (ExecutorService holders = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("sluice-bench-parked-", 0).factory())) {
            for (int i = 0; i < parked; i++) {
                holders.submit(() -> hold(client, call, open, release));
            }
            allOpen = open.await(60, TimeUnit.SECONDS);
            Thread.sleep(1000);
            JsonNode stats = sluice.stats();
            inFlight = stats.path("inFlight").asLong(-1);
            during = sluice.gcFloorBytes();
            procDuring = sluice.proc();
            release.countDown();
        }
        long idleBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (sluice.stats().path("inFlight").asLong() > 0 && System.nanoTime() < idleBy) {
            Thread.sleep(200);
        }
        awaitPooledConnectionsClosed(sluice, fdsAtStart, log);
        long after = sluice.gcFloorBytes();
        double perStream = (during - before) / (double) parked;
        log.printf(
                "sluice-bench:   floor %d -> %d -> %d bytes: %.1f KiB per parked stream%n",
                before, during, after, perStream / 1024);
        ObjectNode n = Output.JSON.createObjectNode();
        n.put("streams", parked)
                .put("allOpened", allOpen)
                .put("sluiceInFlight", inFlight)
                .put("floorBeforeBytes", before)
                .put("floorParkedBytes", during)
                .put("floorAfterBytes", after)
                .put("heapPerStreamBytes", Math.round(perStream))
                .put("rssBeforeBytes", procBefore.rssBytes())
                .put("rssParkedBytes", procDuring.rssBytes())
                .put("threadsBefore", procBefore.threads())
                .put("threadsParked", procDuring.threads())
                .put("fdsBefore", procBefore.fds())
                .put("fdsParked", procDuring.fds());
        return n;
    }

    /**
     * Waits (at most 75 s) until Sluice holds at most 64 more file descriptors than when it started: connections
     * left idle in the clients' keep-alive pools (30 s) by the levels hold heap too, and would count as a stream's.
     */
    private static void awaitPooledConnectionsClosed(SluiceProcess sluice, long fdsAtStart, PrintStream log)
            throws InterruptedException {
        long by = System.nanoTime() + Duration.ofSeconds(75).toNanos();
        long fds;
        while ((fds = sluice.proc().fds()) > fdsAtStart + 64 && System.nanoTime() < by) {
            Thread.sleep(500);
        }
        if (fds > fdsAtStart + 64) {
            log.printf("sluice-bench:   Sluice still holds %d file descriptors (%d at start)%n", fds, fdsAtStart);
        }
    }

    /** Opens a stream, reads to its first content delta, then holds it until released (at most 2 minutes). */
    private static Void hold(TrafficClient client, Call call, CountDownLatch open, CountDownLatch release)
            throws Exception {
        boolean counted = false;
        try {
            HttpResponse<InputStream> res = client.open(call);
            try (InputStream in = res.body()) {
                if (res.statusCode() == 200) {
                    var lines = new java.io.BufferedReader(
                            new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("event: content_block_delta")) {
                            break;
                        }
                    }
                }
                open.countDown();
                counted = true;
                release.await(2, TimeUnit.MINUTES);
            }
        } catch (IOException e) {
            // counted as not open: the run reports allOpened=false
        } finally {
            if (!counted) {
                open.countDown();
            }
        }
        return null;
    }

    private void report(
            Instant started,
            Machine machine,
            SluiceProcess sluice,
            List<StreamLevel.Result> results,
            ObjectNode parkedResult,
            PrintStream log)
            throws IOException {
        String command = Output.commandLine(spec);
        ObjectNode root = Output.root("streams", command, started, machine, sluice);
        root.put("direct", direct)
                .put("deltas", DELTAS)
                .put("deltaIntervalMs", DELTA_INTERVAL.toMillis())
                .put("stallMs", STALL.toMillis())
                .put("levelSeconds", levelSeconds);
        ArrayNode arr = root.putArray("levels");
        results.forEach(r -> arr.add(r.json()));
        StringBuilder md = new StringBuilder(String.format(
                (direct ? "STRAIGHT TO THE FAKE (no Sluice) — " : "")
                        + "Concurrent streams: %d deltas paced %d ms, each level held %d s; "
                        + "a stall is a gap > %d ms between two deltas, seen by the client%n%n",
                DELTAS,
                DELTA_INTERVAL.toMillis(),
                levelSeconds,
                STALL.toMillis()));
        md.append(
                "| streams held | in flight (max) | streams ended | deltas/s | first delta p99 ms | max gap per stream p50 / p99 / max ms "
                        + "| stalls | lost frames | errors | Sluice RSS MiB | threads | FDs | CPU µs/delta: Sluice / client + fakes |\n"
                        + "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (StreamLevel.Result r : results) {
            md.append(r.markdownRow()).append('\n');
        }
        int best = results.stream()
                .filter(StreamLevel.Result::clean)
                .mapToInt(StreamLevel.Result::level)
                .max()
                .orElse(0);
        root.put("mostStreamsWithoutStall", best);
        md.append(String.format(
                "%nMost streams held with no stall, lost frame or error: %d. Target >= %d: %s%n",
                best, TARGET_STREAMS, best >= TARGET_STREAMS ? "PASS" : "FAIL"));
        if (parkedResult != null) {
            root.set("parked", parkedResult);
            double kib = parkedResult.path("heapPerStreamBytes").asDouble() / 1024;
            md.append(String.format(
                    "%nParked streams: %d open (each past its first delta, in flight in Sluice: %d); post-GC "
                            + "heap floor %.1f -> %.1f -> %.1f MiB (before, parked, after): **%.1f KiB per parked stream**; "
                            + "RSS %.0f -> %.0f MiB, threads %d -> %d, FDs %d -> %d. Target <= %.0f KiB: %s%n",
                    parked,
                    parkedResult.path("sluiceInFlight").asLong(),
                    mib(parkedResult, "floorBeforeBytes"),
                    mib(parkedResult, "floorParkedBytes"),
                    mib(parkedResult, "floorAfterBytes"),
                    kib,
                    mib(parkedResult, "rssBeforeBytes"),
                    mib(parkedResult, "rssParkedBytes"),
                    parkedResult.path("threadsBefore").asLong(),
                    parkedResult.path("threadsParked").asLong(),
                    parkedResult.path("fdsBefore").asLong(),
                    parkedResult.path("fdsParked").asLong(),
                    TARGET_HEAP_PER_PARKED_KIB,
                    kib <= TARGET_HEAP_PER_PARKED_KIB ? "PASS" : "FAIL"));
        }
        md.append('\n').append(Output.context(command, machine, sluice));
        Output.write(options.out, "streams", root, md.toString(), charts(results), log);
    }

    private static double mib(JsonNode n, String field) {
        return n.path(field).asDouble() / (1024 * 1024);
    }

    private static List<XYChart> charts(List<StreamLevel.Result> results) {
        double[] x = results.stream().mapToDouble(StreamLevel.Result::level).toArray();
        XYChart gaps = Plots.panel(
                "Longest gap between two deltas of a stream, as the client saw it",
                "streams held (log scale)",
                "ms",
                true);
        Plots.line(
                gaps,
                "p99 of streams",
                x,
                results.stream().mapToDouble(r -> r.maxGap().p99Ms()).toArray(),
                Plots.BLUE,
                false);
        Plots.line(
                gaps,
                "worst stream",
                x,
                results.stream().mapToDouble(r -> r.maxGap().maxMs()).toArray(),
                Plots.RED,
                false);
        if (x.length > 0) {
            Plots.target(gaps, "stall: 200 ms", x[0], x[x.length - 1], STALL.toMillis(), Plots.GREY);
        }
        XYChart rss = Plots.panel(
                "Sluice process: resident memory at the end of each level", "streams held (log scale)", "MiB", true);
        Plots.line(
                rss,
                "RSS",
                x,
                results.stream()
                        .mapToDouble(r -> r.rssBytes() / (1024.0 * 1024))
                        .toArray(),
                Plots.GREEN,
                false);
        return List.of(gaps, rss);
    }
}
