package dev.sluice.gateway.cli;

import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.ConfigLoader;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice config check}: validates the configuration and prints it, secrets redacted. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Check the configuration (file, environment, --set) and print the effective values.")
final class ConfigCheckCommand implements Callable<Integer> {
    private final SluiceCli cli;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Spec
    CommandSpec spec;

    ConfigCheckCommand(SluiceCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        SluiceConfig config;
        try {
            config = options.load(cli, Map.of());
        } catch (ConfigException e) {
            return reportInvalid(spec.commandLine().getErr(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("config ok");
        out.print(ConfigLoader.describe(config));
        out.flush();
        return 0;
    }

    /** Prints every problem of {@code e} and returns the config-error exit code. */
    static int reportInvalid(PrintWriter err, ConfigException e) {
        err.println("sluice: " + e.getMessage());
        err.flush();
        return SluiceCli.CONFIG_ERROR;
    }
}
