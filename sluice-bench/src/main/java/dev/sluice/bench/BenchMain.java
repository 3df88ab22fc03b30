package dev.sluice.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice-bench}: Sluice's benchmarks. Run through {@code ./sluice-bench-run}. */
@Command(
        name = "sluice-bench",
        mixinStandardHelpOptions = true,
        synopsisSubcommandLabel = "COMMAND",
        description = "Sluice's benchmarks; traffic goes to 127.0.0.1 only.",
        subcommands = {
            OverheadCommand.class,
            ThroughputCommand.class,
            StreamsCommand.class,
            OverloadCommand.class,
            SoakCommand.class,
            RealtimeCommand.class,
            UsageCommand.class,
            ProfileCommand.class
        })
public final class BenchMain implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private BenchMain() {}

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new BenchMain())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }
}
