package dev.sluice.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bench.TrafficClient.Call;
import dev.sluice.bench.TrafficClient.Dialect;
import dev.sluice.fake.FakeProvider;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-bench overhead}: what Sluice adds to a request at concurrency 1. The same requests go
 * straight to a fake provider with no latency and through Sluice to it, in interleaved rounds, one at
 * a time; added latency = p50/p99 through Sluice minus p50/p99 direct.
 */
@Command(
        name = "overhead",
        mixinStandardHelpOptions = true,
        description = {
            "Added latency at concurrency 1: p50/p99 through Sluice minus p50/p99 straight to the",
            "fake provider (0 ms latency), interleaved rounds; writes overhead.json, .md and .png."
        })
final class OverheadCommand implements Callable<Integer> {
    static final double TARGET_ADDED_P99_MICROS = 200;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "10",
            description = "measured rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--per-round",
            paramLabel = "N",
            defaultValue = "500",
            description = "requests per case and path in a round (default: ${DEFAULT-VALUE})")
    int perRound;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "3000",
            description = "unmeasured requests per case and path first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Mixin
    Output.Options options;

    @Mixin
    Output.Target target;

    @Spec
    CommandSpec spec;

    /** A kind of request measured: Anthropic in and out (passed through), streamed, and OpenAI translated. */
    record Case(String name, Call call) {}

    static final List<Case> CASES = List.of(
            new Case("Anthropic, whole answer (same dialect)", Call.complete(Dialect.ANTHROPIC, false, "bench")),
            new Case("Anthropic, stream of 12 deltas (same dialect)", Call.complete(Dialect.ANTHROPIC, true, "bench")),
            new Case(
                    "OpenAI, whole answer (translated to Anthropic and back)",
                    Call.complete(Dialect.OPENAI, false, "bench")));

    @Override
    public Integer call() throws Exception {
        if (rounds < 1 || perRound < 1 || warmup < 0) {
            spec.commandLine().getErr().println("sluice-bench: --rounds and --per-round must be >= 1, --warmup >= 0");
            return 2;
        }
        target.requireLoopback();
        PrintStream log = System.err;
        Instant started = Instant.now();
        Machine machine = Machine.current();
        List<Histogram[]> hist = new ArrayList<>(); // per case: [direct, sluice]
        List<double[][]> roundP50 = new ArrayList<>(); // per case: [round][direct, sluice] in µs
        for (int c = 0; c < CASES.size(); c++) {
            hist.add(new Histogram[] {new Histogram(60_000_000L, 3), new Histogram(60_000_000L, 3)});
            roundP50.add(new double[rounds][2]);
        }
        try (FakeProvider fake = FakeProvider.builder().port(target.fakePort).start();
                SluiceProcess sluice = target.startSluiceUnlessTargeted(
                        options, Map.of("upstream.url", fake.baseUri().toString(), "upstream.api-key", "bench"));
                TrafficClient direct = TrafficClient.create(fake.baseUri(), Duration.ofSeconds(30));
                TrafficClient through = TrafficClient.create(target.gateway(sluice), Duration.ofSeconds(30))) {
            log.printf(
                    "sluice-bench: overhead, %d warm-up + %d rounds x %d requests per case and path%n",
                    warmup, rounds, perRound);
            for (Case c : CASES) {
                for (int i = 0; i < warmup; i++) {
                    expectCompleted(direct.call(c.call()), "direct warm-up");
                    expectCompleted(through.call(c.call()), "Sluice warm-up");
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int c = 0; c < CASES.size(); c++) {
                    // alternate which path goes first, so drift in the machine hits both alike
                    TrafficClient[] order =
                            r % 2 == 0 ? new TrafficClient[] {direct, through} : new TrafficClient[] {through, direct};
                    for (TrafficClient client : order) {
                        int path = client == direct ? 0 : 1;
                        Histogram round = new Histogram(60_000_000L, 3);
                        for (int i = 0; i < perRound; i++) {
                            long t0 = System.nanoTime();
                            CallResult res = client.call(CASES.get(c).call());
                            long micros = (System.nanoTime() - t0) / 1000;
                            expectCompleted(res, path == 0 ? "direct" : "through " + target.label());
                            round.recordValue(micros);
                        }
                        hist.get(c)[path].add(round);
                        roundP50.get(c)[r][path] = round.getValueAtPercentile(50);
                    }
                }
                log.printf("sluice-bench: round %d of %d done%n", r + 1, rounds);
            }
            String command = Output.commandLine(spec);
            ObjectNode root = Output.root("overhead", command, started, machine, sluice, target);
            root.put("rounds", rounds).put("perRound", perRound).put("warmup", warmup);
            ArrayNode cases = root.putArray("cases");
            StringBuilder md =
                    new StringBuilder("Overhead at concurrency 1 (µs, from send to the end of the answer)\n\n");
            md.append("| request | direct p50 / p99 | through " + target.label()
                    + " p50 / p99 | added p50 / p99 | added p50 per round (min–max) |\n");
            md.append("|---|--:|--:|--:|--:|\n");
            Map<String, double[]> added = new LinkedHashMap<>();
            for (int c = 0; c < CASES.size(); c++) {
                Histogram d = hist.get(c)[0];
                Histogram s = hist.get(c)[1];
                double a50 = s.getValueAtPercentile(50) - d.getValueAtPercentile(50);
                double a99 = s.getValueAtPercentile(99) - d.getValueAtPercentile(99);
                added.put(CASES.get(c).name(), new double[] {a50, a99});
                double min = Double.MAX_VALUE;
                double max = -Double.MAX_VALUE;
                ObjectNode n = cases.addObject();
                n.put("case", CASES.get(c).name());
                n.set("directMicros", percentiles(d));
                n.set("sluiceMicros", percentiles(s));
                n.put("addedP50Micros", a50).put("addedP99Micros", a99);
                ArrayNode perRoundNode = n.putArray("roundP50Micros");
                for (double[] rp : roundP50.get(c)) {
                    perRoundNode.addArray().add(rp[0]).add(rp[1]);
                    min = Math.min(min, rp[1] - rp[0]);
                    max = Math.max(max, rp[1] - rp[0]);
                }
                md.append(String.format(
                        "| %s | %d / %d | %d / %d | %.0f / %.0f | %.0f – %.0f |%n",
                        CASES.get(c).name(),
                        d.getValueAtPercentile(50),
                        d.getValueAtPercentile(99),
                        s.getValueAtPercentile(50),
                        s.getValueAtPercentile(99),
                        a50,
                        a99,
                        min,
                        max));
            }
            double headline = added.values().iterator().next()[1];
            md.append(String.format(
                    "%nTarget: added p99 <= %.0f µs (Anthropic whole answer): %s — %.0f µs%n%n",
                    TARGET_ADDED_P99_MICROS, headline <= TARGET_ADDED_P99_MICROS ? "PASS" : "FAIL", headline));
            root.put("targetAddedP99Micros", TARGET_ADDED_P99_MICROS).put("pass", headline <= TARGET_ADDED_P99_MICROS);
            md.append(Output.context(command, machine, sluice, target));
            Output.write(options.out, "overhead", root, md.toString(), List.of(chart(hist, target.label())), log);
        }
        return 0;
    }

    private static void expectCompleted(CallResult r, String path) {
        if (r.outcome() != CallResult.Outcome.COMPLETED) {
            throw new IllegalStateException("a request " + path + " did not complete: " + r);
        }
    }

    private static ObjectNode percentiles(Histogram h) {
        return Output.JSON
                .createObjectNode()
                .put("count", h.getTotalCount())
                .put("p50", h.getValueAtPercentile(50))
                .put("p90", h.getValueAtPercentile(90))
                .put("p99", h.getValueAtPercentile(99))
                .put("p999", h.getValueAtPercentile(99.9))
                .put("max", h.getMaxValue());
    }

    private static CategoryChart chart(List<Histogram[]> hist, String gateway) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(Plots.WIDTH)
                .height(Plots.PANEL_HEIGHT + 120)
                .title("Latency at concurrency 1: straight to the fake vs through " + gateway)
                .xAxisTitle("request")
                .yAxisTitle("µs")
                .build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        List<String> names = List.of("Anthropic whole", "Anthropic stream", "OpenAI whole (translated)");
        String[] labels = {"direct p50", gateway + " p50", "direct p99", gateway + " p99"};
        double[] pct = {50, 50, 99, 99};
        for (int k = 0; k < labels.length; k++) {
            List<Double> values = new ArrayList<>();
            for (Histogram[] h : hist) {
                values.add((double) h[k % 2].getValueAtPercentile(pct[k]));
            }
            chart.addSeries(labels[k], names, values);
        }
        return chart;
    }
}
