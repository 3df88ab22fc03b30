package dev.sluice.gateway.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code sluice} command: serve | keys | usage | mock | config check | version. */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = Version.Provider.class,
        description = "Sluice, an LLM API gateway that stays flat under load.",
        synopsisSubcommandLabel = "COMMAND")
public final class SluiceCli implements Callable<Integer> {
    /** Exit code for an invalid configuration (the same as picocli's for bad usage). */
    static final int CONFIG_ERROR = CommandLine.ExitCode.USAGE;

    final Map<String, String> env;
    final Path workDir;

    @Spec
    CommandSpec spec;

    private SluiceCli(Map<String, String> env, Path workDir) {
        this.env = Map.copyOf(env);
        this.workDir = workDir;
    }

    public static void main(String[] args) {
        ShutdownSignals.defaultLogFormat();
        System.exit(commandLine(System.getenv(), Path.of("")).execute(args));
    }

    /** The command line reading {@code env} as its environment and resolving ./sluice.yaml in {@code workDir}. */
    static CommandLine commandLine(Map<String, String> env, Path workDir) {
        SluiceCli cli = new SluiceCli(env, workDir);
        CommandLine config = new CommandLine(new ConfigCommand()).addSubcommand("check", new ConfigCheckCommand(cli));
        CommandLine keys = new CommandLine(new KeysCommand())
                .addSubcommand("create", new KeysCommand.Create(cli))
                .addSubcommand("list", new KeysCommand.ListKeys(cli))
                .addSubcommand("revoke", new KeysCommand.Revoke(cli));
        return new CommandLine(cli)
                .addSubcommand("serve", new ServeCommand(cli))
                .addSubcommand("keys", keys)
                .addSubcommand("usage", new UsageCommand(cli))
                .addSubcommand("mock", new MockCommand())
                .addSubcommand("config", config)
                .addSubcommand("version", new VersionCommand());
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** {@code config}: only groups its subcommands. */
    @Command(
            name = "config",
            mixinStandardHelpOptions = true,
            description = "Work with the configuration.",
            synopsisSubcommandLabel = "COMMAND")
    static final class ConfigCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return CommandLine.ExitCode.USAGE;
        }
    }
}
