package dev.sluice.bench;

import dev.sluice.bench.TrafficClient.Call;
import dev.sluice.bench.TrafficClient.Dialect;
import dev.sluice.fake.FakeProvider;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-bench profile}: a fixed-rate step through Sluice with a JFR recording of the Sluice process,
 * summarised as Sluice's CPU per request (user and kernel), the top frames by self time and by first Sluice
 * frame, and the top allocation sites; written to docs/bench/profile-KIND.md and the .jfr kept beside it.
 */
@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        description = {
            "A fixed-rate step through Sluice recorded with JFR: CPU per request (user/kernel), top frames by self time",
            "and by first Sluice frame, top allocation sites; writes profile-KIND.md (and keeps profile-KIND.jfr)."
        })
final class ProfileCommand implements Callable<Integer> {

    /** What each request is. */
    enum Kind {
        /** OpenAI whole answers (chat completions, stream false). */
        WHOLE,
        /** Anthropic streams of the fake's deltas, read to their end. */
        STREAM
    }

    @Option(names = "--kind", defaultValue = "WHOLE", description = "whole or stream (default: ${DEFAULT-VALUE})")
    Kind kind;

    @Option(names = "--rate", defaultValue = "1000", description = "requests/s offered (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--seconds", defaultValue = "20", description = "the recorded step (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "60",
            description = "load before the recording starts (default: ${DEFAULT-VALUE}; on one core the JIT still"
                    + " compiles for well over 15 s, and its work would count as Sluice's)")
    int warmupSeconds;

    @Option(
            names = "--bare",
            description = "profile the bare relay (Helidon server + Jetty client, nothing else) instead of Sluice:"
                    + " the floor under Sluice's cost")
    boolean bare;

    @Option(names = "--top", defaultValue = "20", description = "rows per table (default: ${DEFAULT-VALUE})")
    int top;

    @Mixin
    Output.Options options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream log = System.err;
        Instant started = Instant.now();
        Machine machine = Machine.current();
        String name = "profile-" + kind.name().toLowerCase(Locale.ROOT) + (bare ? "-bare" : "");
        Files.createDirectories(options.out);
        Path jfr = options.out.resolve(name + ".jfr").toAbsolutePath();
        Files.deleteIfExists(jfr);
        List<String> flags = new ArrayList<>(options.jvmFlags());
        flags.add("-XX:StartFlightRecording=settings=profile,delay=" + warmupSeconds + "s,duration=" + seconds
                + "s,filename=" + jfr);
        try (FakeProvider fake = FakeProvider.builder().start()) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("upstream.url", fake.baseUri().toString());
            settings.put("upstream.api-key", "bench");
            settings.put("log.requests", "true"); // Sluice's default, which the other scenarios turn off
            try (SluiceProcess sluice =
                    SluiceProcess.start(flags, options.settings(settings), options.sluiceCpus, bare)) {
                AtomicLong counter = new AtomicLong();
                try (TrafficClient client = TrafficClient.create(sluice.baseUri(), Duration.ofSeconds(30))) {
                    OpenLoop loop = new OpenLoop(() -> client.call(call(counter.getAndIncrement())), 4000);
                    log.printf(
                            "sluice-bench: profile %s at %.0f req/s: %d s warm-up, %d s recorded%n",
                            kind, rate, warmupSeconds, seconds);
                    run(loop, new Phase("warm-up", rate, Duration.ofSeconds(warmupSeconds), Phase.Kind.WARMUP));
                    long pid = sluice.pid();
                    long[] cpu0 = ProcStats.cpuSplitMillis(pid);
                    PhaseRecorder r =
                            run(loop, new Phase("recorded", rate, Duration.ofSeconds(seconds), Phase.Kind.LOAD));
                    long[] cpu1 = ProcStats.cpuSplitMillis(pid);
                    PhaseSummary sum = PhaseSummary.of(r, 1, java.util.OptionalDouble.empty());
                    awaitRecording(jfr, log);
                    JfrSummary jfrSummary = JfrSummary.read(jfr);
                    double user = (cpu1[0] - cpu0[0]) * 1000.0 / sum.sent();
                    double kernel = (cpu1[1] - cpu0[1]) * 1000.0 / sum.sent();
                    String md = report(started, machine, sluice, sum, user, kernel, jfrSummary);
                    Files.writeString(options.out.resolve(name + ".md"), md, StandardCharsets.UTF_8);
                    log.printf(
                            "sluice-bench: %d sent, %d completed; Sluice CPU %.0f µs/request (user %.0f, kernel %.0f); wrote %s%n",
                            sum.sent(),
                            sum.completed(),
                            user + kernel,
                            user,
                            kernel,
                            options.out.resolve(name + ".md"));
                }
            }
        }
        return 0;
    }

    private Call call(long i) {
        return kind == Kind.WHOLE
                ? Call.complete(Dialect.OPENAI, false, "bench")
                : Call.complete(Dialect.ANTHROPIC, true, "bench");
    }

    private static PhaseRecorder run(OpenLoop loop, Phase phase) throws InterruptedException {
        long start = System.nanoTime() + Duration.ofMillis(100).toNanos();
        List<PhaseRecorder> recorders = OpenLoop.plan(List.of(phase), 1, start);
        loop.run(recorders, r -> {});
        loop.awaitIdle(Duration.ofSeconds(30));
        return recorders.get(0);
    }

    /** JFR writes the file when the recording's duration ends; waits until it is there and no longer growing. */
    private static void awaitRecording(Path jfr, PrintStream log) throws Exception {
        long last = -1;
        for (int i = 0; i < 300; i++) {
            if (Files.exists(jfr)) {
                long size = Files.size(jfr);
                if (size > 0 && size == last) {
                    return;
                }
                last = size;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        log.println("sluice-bench: no complete JFR recording at " + jfr + " after 60 s");
        throw new IllegalStateException("no JFR recording at " + jfr);
    }

    private String report(
            Instant started,
            Machine machine,
            SluiceProcess sluice,
            PhaseSummary sum,
            double user,
            double kernel,
            JfrSummary jfr) {
        StringBuilder md = new StringBuilder();
        md.append(bare ? "# Where the bare relay's time goes: " : "# Where Sluice's time goes: ")
                .append(kind == Kind.WHOLE ? "whole answers" : "streams")
                .append("\n\n");
        md.append(Output.context(Output.commandLine(spec), machine, sluice)).append("\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%,.0f req/s offered for %d s after %d s of warm-up; %,d sent, %,d completed, p50 %.2f ms, p99 %.2f ms.%n%n",
                rate,
                seconds,
                warmupSeconds,
                sum.sent(),
                sum.completed(),
                sum.endToEnd().p50Ms(),
                sum.endToEnd().p99Ms()));
        md.append(String.format(
                Locale.ROOT,
                "**%s CPU per request: %.0f µs** (user %.0f, kernel %.0f), from /proc/PID/stat over the recorded step,"
                        + " JFR's own sampling included. %,d CPU samples, started %s. Allocation weights are JFR's"
                        + " samples: a site's share is an estimate, the total per request is close.%n%n",
                bare ? "Bare relay" : "Sluice",
                user + kernel,
                user,
                kernel,
                jfr.samples(),
                started));
        md.append(jfr.markdown(top, sum.sent()));
        return md.toString();
    }
}
