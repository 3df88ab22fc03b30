package dev.sluice.gateway.cli;

import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.usage.UsageQueries;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice usage --key ID | --tenant T [--since D] [--until D]}: usage totals from the store. */
@Command(
        name = "usage",
        mixinStandardHelpOptions = true,
        description = "Usage of a key or tenant over a period (UTC dates, until exclusive), from the store.")
final class UsageCommand implements Callable<Integer> {
    private final SluiceCli cli;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--key", description = "key id (key_...)")
    @Nullable
    String key;

    @Option(names = "--tenant", description = "tenant")
    @Nullable
    String tenant;

    @Option(names = "--since", description = "first day, e.g. 2026-11-01")
    @Nullable
    LocalDate since;

    @Option(names = "--until", description = "day after the last")
    @Nullable
    LocalDate until;

    UsageCommand(SluiceCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if ((key == null) == (tenant == null)) {
            spec.commandLine().getErr().println("sluice: give exactly one of --key or --tenant");
            return CommandLine.ExitCode.USAGE;
        }
        long from = since == null
                ? 0
                : since.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long to = until == null
                ? Long.MAX_VALUE
                : until.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        try (Store store = KeysCommand.open(cli, options)) {
            UsageQueries.Report r = new UsageQueries(store.dataSource()).report(key, tenant, from, to);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "%-32s %10s %14s %14s %12s %12s %14s %8s%n",
                    "MODEL", "REQUESTS", "INPUT", "OUTPUT", "CACHE_READ", "CACHE_WRITE", "COST_USD", "ERRORS");
            for (UsageQueries.Totals t : r.byModel()) {
                print(out, t);
            }
            print(out, r.totals());
            out.flush();
            return 0;
        } catch (ConfigException e) {
            return ConfigCheckCommand.reportInvalid(spec.commandLine().getErr(), e);
        }
    }

    private static void print(PrintWriter out, UsageQueries.Totals t) {
        out.printf(
                "%-32s %10d %14d %14d %12d %12d %14s %8d%n",
                t.model().equals("*") ? "TOTAL" : t.model(),
                t.requests(),
                t.inputTokens(),
                t.outputTokens(),
                t.cacheReadTokens(),
                t.cacheWriteTokens(),
                java.math.BigDecimal.valueOf(t.costMicros(), 6).toPlainString(),
                t.errors());
    }
}
