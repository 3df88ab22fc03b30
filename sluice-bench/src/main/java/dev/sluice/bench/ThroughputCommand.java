package dev.sluice.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.bench.TrafficClient.Call;
import dev.sluice.bench.TrafficClient.Dialect;
import dev.sluice.fake.FakeProvider;
import java.io.PrintStream;
import java.net.URI;
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
 * {@code sluice-bench throughput}: the highest arrival rate sustained with p99 under 1 s and under
 * 0.1% failures, against a fake provider with a 20 ms time to first token — first straight to the
 * fake, then through Sluice, with the same open-loop ramp and request mix.
 */
@Command(
        name = "throughput",
        mixinStandardHelpOptions = true,
        description = {
            "Max sustained requests/s (p99 < 1 s, < 0.1% failures) with a 20 ms time-to-first-token fake:",
            "an open-loop ramp straight to the fake, then the same through Sluice; writes throughput.json, .md, .png."
        })
final class ThroughputCommand implements Callable<Integer> {
    static final Duration TTFT = Duration.ofMillis(20);
    static final double MAX_P99_MS = 1000;
    static final double MAX_FAILED = 0.001;
    static final double TARGET_OF_DIRECT = 0.60;
    /** A step in which the client itself sent later than this is not a valid measurement: the ramp ends. */
    static final double MAX_SEND_LAG_MS = 100;
    /** Shares of the first rate the unmeasured warm-up steps climb through. */
    static final double[] WARMUP_RAMP = {0.25, 0.5, 1.0};

    @Option(
            names = "--start-rate",
            paramLabel = "R",
            defaultValue = "200",
            description = "first step, req/s (default: ${DEFAULT-VALUE})")
    double startRate;

    @Option(
            names = "--step-factor",
            paramLabel = "F",
            defaultValue = "1.25",
            description = "each step's rate = the last x F (default: ${DEFAULT-VALUE})")
    double stepFactor;

    @Option(
            names = "--step-seconds",
            paramLabel = "N",
            defaultValue = "10",
            description = "length of a step (default: ${DEFAULT-VALUE})")
    int stepSeconds;

    @Option(
            names = "--max-steps",
            paramLabel = "N",
            defaultValue = "25",
            description = "steps at most per ramp (default: ${DEFAULT-VALUE})")
    int maxSteps;

    @Option(
            names = "--max-outstanding",
            paramLabel = "N",
            defaultValue = "4000",
            description = "requests the client keeps open at most; more count as failures (default: ${DEFAULT-VALUE})")
    int maxOutstanding;

    @Mixin
    Output.Options options;

    @Mixin
    Output.Target target;

    @Spec
    CommandSpec spec;

    /**
     * One step of a ramp.
     *
     * @param sluiceCpuMicros Sluice's CPU time per request sent in the step, -1 without a Sluice process
     * @param benchCpuMicros  this JVM's (load generator and fake provider) CPU time per request sent
     */
    record Step(PhaseSummary summary, boolean passed, double sluiceCpuMicros, double benchCpuMicros) {}

    @Override
    public Integer call() throws Exception {
        if (!(startRate > 0) || !(stepFactor > 1) || stepSeconds < 1 || maxSteps < 1) {
            spec.commandLine()
                    .getErr()
                    .println("sluice-bench: --start-rate > 0, --step-factor > 1, --step-seconds and --max-steps >= 1");
            return 2;
        }
        target.requireLoopback();
        PrintStream log = System.err;
        Instant started = Instant.now();
        Machine machine = Machine.current();
        try (FakeProvider fake =
                FakeProvider.builder().ttft(TTFT).port(target.fakePort).start()) {
            log.println("sluice-bench: throughput, straight to the fake");
            List<Step> direct = ramp(fake.baseUri(), null, log);
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("upstream.url", fake.baseUri().toString());
            settings.put("upstream.api-key", "bench");
            settings.put("admission.max-in-flight", Integer.toString(maxOutstanding));
            settings.put("upstream.max-connections", "2048");
            settings.put("upstream.max-queued-requests", Integer.toString(maxOutstanding));
            try (SluiceProcess sluice = target.startSluiceUnlessTargeted(options, settings)) {
                log.println("sluice-bench: throughput, through " + target.label() + " " + target.gateway(sluice));
                List<Step> through = ramp(target.gateway(sluice), sluice, log);
                report(started, machine, sluice, direct, through, log);
            }
        }
        return 0;
    }

    /** The request mix: half Anthropic streams read to their end, half OpenAI whole answers. */
    static Call mix(long i) {
        return i % 2 == 0
                ? Call.complete(Dialect.ANTHROPIC, true, "bench")
                : Call.complete(Dialect.OPENAI, false, "bench");
    }

    private List<Step> ramp(URI base, SluiceProcess sluice, PrintStream log) throws InterruptedException {
        List<Step> steps = new ArrayList<>();
        AtomicLong counter = new AtomicLong();
        try (TrafficClient client = TrafficClient.create(base, Duration.ofSeconds(30))) {
            OpenLoop loop = new OpenLoop(() -> client.call(mix(counter.getAndIncrement())), maxOutstanding);
            for (double share : WARMUP_RAMP) { // a cold JVM started at a high first rate fails its first step
                runStep(
                        loop,
                        new Phase("warm-up", startRate * share, Duration.ofSeconds(stepSeconds), Phase.Kind.WARMUP),
                        log);
            }
            double rate = startRate;
            for (int s = 0; s < maxSteps; s++) {
                long sluiceCpu0 = sluice == null ? -1 : sluice.proc().cpuMillis();
                long benchCpu0 = ProcStats.of(ProcessHandle.current().pid()).cpuMillis();
                PhaseRecorder r = runStep(
                        loop,
                        new Phase(
                                String.format("%.0f req/s", rate),
                                rate,
                                Duration.ofSeconds(stepSeconds),
                                Phase.Kind.LOAD),
                        log);
                PhaseSummary sum = PhaseSummary.of(r, 1, java.util.OptionalDouble.empty());
                long failed = sum.sent() - sum.completed();
                boolean passed = sum.endToEnd().p99Ms() < MAX_P99_MS
                        && failed <= MAX_FAILED * sum.sent()
                        && sum.sendLag().maxMs() <= MAX_SEND_LAG_MS;
                double sluiceCpu = sluice == null ? -1 : (sluice.proc().cpuMillis() - sluiceCpu0) * 1000.0 / sum.sent();
                double benchCpu =
                        (ProcStats.of(ProcessHandle.current().pid()).cpuMillis() - benchCpu0) * 1000.0 / sum.sent();
                steps.add(new Step(sum, passed, sluiceCpu, benchCpu));
                log.printf(
                        "sluice-bench:   %8.1f req/s offered: goodput %8.1f, p99 %7.1f ms, failed %d of %d, send lag %.0f ms -> %s%n",
                        rate,
                        sum.goodputPerSecond(),
                        sum.endToEnd().p99Ms(),
                        failed,
                        sum.sent(),
                        sum.sendLag().maxMs(),
                        passed ? "ok" : "over");
                if (!passed) {
                    break;
                }
                rate *= stepFactor;
            }
        }
        return steps;
    }

    private static PhaseRecorder runStep(OpenLoop loop, Phase phase, PrintStream log) throws InterruptedException {
        long start = System.nanoTime() + Duration.ofMillis(100).toNanos();
        List<PhaseRecorder> recorders = OpenLoop.plan(List.of(phase), 1, start);
        loop.run(recorders, r -> {});
        if (!loop.awaitIdle(Duration.ofSeconds(30))) {
            log.println("sluice-bench:   " + loop.open() + " requests still open 30 s after the step");
        }
        return recorders.get(0);
    }

    /** The highest offered rate of a step that passed, 0 when none did. */
    static double maxSustained(List<Step> steps) {
        return steps.stream()
                .filter(Step::passed)
                .mapToDouble(s -> s.summary().offeredPerSecond())
                .max()
                .orElse(0);
    }

    private void report(
            Instant started,
            Machine machine,
            SluiceProcess sluice,
            List<Step> direct,
            List<Step> through,
            PrintStream log)
            throws Exception {
        String command = Output.commandLine(spec);
        ObjectNode root = Output.root("throughput", command, started, machine, sluice, target);
        root.put("fakeTtftMs", TTFT.toMillis()).put("stepSeconds", stepSeconds).put("stepFactor", stepFactor);
        root.put("mix", "50% Anthropic streams (12 deltas) read to the end, 50% OpenAI whole answers");
        double d = maxSustained(direct);
        double t = maxSustained(through);
        root.put("directMaxPerSecond", d).put("sluiceMaxPerSecond", t).put("ratio", d == 0 ? 0 : t / d);
        steps(root.putArray("direct"), direct);
        steps(root.putArray("sluice"), through);
        StringBuilder md = new StringBuilder(String.format(
                "Throughput with a %d ms time-to-first-token fake (steps of %d s, x%.2f; a step passes with p99 < 1 s, < 0.1%% failed "
                        + "and the client sending at most 100 ms late)%n%n",
                TTFT.toMillis(), stepSeconds, stepFactor));
        md.append(
                "| path | offered req/s | goodput req/s | p50 / p99 / max ms | failed / sent | client send lag max ms "
                        + "| CPU µs/request: Sluice / client + fake | passed |\n|---|--:|--:|--:|--:|--:|--:|---|\n");
        table(md, "direct", direct);
        table(md, target.label(), through);
        boolean pass = d > 0 && t >= TARGET_OF_DIRECT * d;
        md.append(String.format(
                "%nMax sustained: direct %.0f req/s, through %s %.0f req/s = %.0f%% of direct.%n"
                        + "Target: >= 60%% of direct: %s%n%n",
                d, target.label(), t, d == 0 ? 0 : 100 * t / d, pass ? "PASS" : "FAIL"));
        root.put("pass", pass);
        md.append(Output.context(command, machine, sluice, target));
        Output.write(options.out, "throughput", root, md.toString(), charts(direct, through, target.label()), log);
    }

    private static void steps(ArrayNode arr, List<Step> steps) {
        for (Step s : steps) {
            PhaseSummary p = s.summary();
            arr.addObject()
                    .put("offeredPerSecond", Output.round(p.offeredPerSecond(), 1))
                    .put("sent", p.sent())
                    .put("completed", p.completed())
                    .put("shed", p.shed())
                    .put("errors", p.errors())
                    .put("clientOverflow", p.clientOverflow())
                    .put("goodputPerSecond", Output.round(p.goodputPerSecond(), 1))
                    .put("p50Ms", p.endToEnd().p50Ms())
                    .put("p99Ms", p.endToEnd().p99Ms())
                    .put("maxMs", p.endToEnd().maxMs())
                    .put("maxSendLagMs", p.sendLag().maxMs())
                    .put("passed", s.passed())
                    .put("sluiceCpuMicrosPerRequest", Output.round(s.sluiceCpuMicros(), 1))
                    .put("benchCpuMicrosPerRequest", Output.round(s.benchCpuMicros(), 1))
                    .set("errorKinds", Output.JSON.valueToTree(p.errorKinds()));
        }
    }

    private static void table(StringBuilder md, String path, List<Step> steps) {
        for (Step s : steps) {
            PhaseSummary p = s.summary();
            md.append(String.format(
                    "| %s | %.0f | %.1f | %.1f / %.1f / %.1f | %d / %d | %.0f | %s / %.0f | %s |%n",
                    path,
                    p.offeredPerSecond(),
                    p.goodputPerSecond(),
                    p.endToEnd().p50Ms(),
                    p.endToEnd().p99Ms(),
                    p.endToEnd().maxMs(),
                    p.sent() - p.completed(),
                    p.sent(),
                    p.sendLag().maxMs(),
                    s.sluiceCpuMicros() < 0 ? "–" : String.format("%.0f", s.sluiceCpuMicros()),
                    s.benchCpuMicros(),
                    s.passed() ? "yes" : "no"));
        }
    }

    private static List<XYChart> charts(List<Step> direct, List<Step> through, String gateway) {
        XYChart goodput = Plots.panel(
                "Throughput: goodput against offered load", "offered (req/s, log scale)", "goodput (req/s)", true);
        XYChart p99 = Plots.panel(
                "End-to-end p99 from the intended send time", "offered (req/s, log scale)", "p99 (ms)", true);
        series(goodput, p99, "direct to the fake", direct, Plots.BLUE);
        series(goodput, p99, "through " + gateway, through, Plots.RED);
        double[] all = java.util.stream.Stream.concat(direct.stream(), through.stream())
                .mapToDouble(s -> s.summary().offeredPerSecond())
                .toArray();
        if (all.length > 0) {
            Plots.target(
                    p99,
                    "limit: 1 s",
                    java.util.Arrays.stream(all).min().orElse(1),
                    Plots.max(all),
                    MAX_P99_MS,
                    Plots.GREY);
        }
        return List.of(goodput, p99);
    }

    private static void series(XYChart goodput, XYChart p99, String name, List<Step> steps, java.awt.Color color) {
        double[] x =
                steps.stream().mapToDouble(s -> s.summary().offeredPerSecond()).toArray();
        Plots.line(
                goodput,
                name,
                x,
                steps.stream().mapToDouble(s -> s.summary().goodputPerSecond()).toArray(),
                color,
                false);
        Plots.line(
                p99,
                name,
                x,
                steps.stream().mapToDouble(s -> s.summary().endToEnd().p99Ms()).toArray(),
                color,
                false);
    }
}
