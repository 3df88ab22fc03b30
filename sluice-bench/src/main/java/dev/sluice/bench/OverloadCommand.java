package dev.sluice.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice-bench overload}: the overload scenario; writes overload.json, .md and .png. */
@Command(
        name = "overload",
        mixinStandardHelpOptions = true,
        description = {
            "The overload benchmark: Sluice admitting S at once, in front of a fake provider with S slots.",
            "Open loop at 0.8x C (baseline), then 0.5x, 1x, 2x, 5x, 10x and 0.5x C (recovery), C = S req/s;",
            "reports goodput, latency from the intended send time, shedding and the heap floor."
        })
final class OverloadCommand implements Callable<Integer> {
    @Option(
            names = "--slots",
            paramLabel = "S",
            defaultValue = "8",
            description = "model slots of the fake = Sluice's admission.max-in-flight (default: ${DEFAULT-VALUE})")
    int slots;

    @Option(
            names = "--phase-seconds",
            paramLabel = "N",
            defaultValue = "60",
            description = "length of each load phase (default: ${DEFAULT-VALUE})")
    int phaseSeconds;

    @Option(
            names = "--baseline-seconds",
            paramLabel = "N",
            description = "length of the 0.8x C baseline (default: half a phase, at least 10)")
    Integer baselineSeconds;

    @Option(
            names = "--warmup-seconds",
            paramLabel = "N",
            defaultValue = "5",
            description = "unreported 0.5x C warm-up before the baseline (default: ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(
            names = "--max-outstanding",
            paramLabel = "N",
            defaultValue = "20000",
            description =
                    "requests the client keeps open at most; more are counted as client overflow (default: ${DEFAULT-VALUE})")
    int maxOutstanding;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "${sys:sluice.bench.out:-docs/bench}",
            description = "where overload.json, overload.md and overload.png go (default: ${DEFAULT-VALUE})")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (phaseSeconds < 1 || warmupSeconds < 0 || (baselineSeconds != null && baselineSeconds < 1)) {
            spec.commandLine()
                    .getErr()
                    .println("sluice-bench: --phase-seconds and --baseline-seconds must be >= 1, "
                            + "--warmup-seconds >= 0");
            return 2;
        }
        int baseline = baselineSeconds != null ? baselineSeconds : Math.max(10, phaseSeconds / 2);
        var settings = new OverloadScenario.Settings(
                slots,
                Duration.ofSeconds(phaseSeconds),
                Duration.ofSeconds(baseline),
                Duration.ofSeconds(warmupSeconds),
                maxOutstanding,
                64,
                "250ms");
        PrintStream log = System.err;
        log.printf(
                "sluice-bench: overload, S = %d, C = %.1f req/s, about %d s%n",
                slots, settings.capacityPerSecond(), settings.total().toSeconds() + 2);
        OverloadScenario.Result result = OverloadScenario.run(settings, log);
        Report report = new Report(result, Machine.current(), Output.commandLine(spec));
        Files.createDirectories(out);
        Files.writeString(out.resolve("overload.json"), report.json(), StandardCharsets.UTF_8);
        String md = report.markdown();
        Files.writeString(out.resolve("overload.md"), md, StandardCharsets.UTF_8);
        Chart.writePng(result, out.resolve("overload.png"));
        System.out.print(md);
        System.out.flush();
        log.println("sluice-bench: wrote " + out.resolve("overload.json") + ", overload.md, overload.png");
        return 0;
    }
}
