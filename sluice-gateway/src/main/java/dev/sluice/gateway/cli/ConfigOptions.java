package dev.sluice.gateway.cli;

import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options shared by commands that load the configuration: the file and {@code --set} overrides. */
final class ConfigOptions {
    static final String DEFAULT_FILE = "sluice.yaml";

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "YAML config file; default: the file named by SLUICE_CONFIG, else sluice.yaml in the"
                    + " working directory if there is one")
    @Nullable
    Path file;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "set any config key, e.g. --set timeouts.total=5m (repeatable)")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The file to read: --config, else SLUICE_CONFIG, else sluice.yaml in {@code workDir} if present. */
    Optional<Path> file(Map<String, String> env, Path workDir) {
        if (file != null) {
            return Optional.of(file);
        }
        String fromEnv = env.get("SLUICE_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(Path.of(fromEnv));
        }
        Path implicit = workDir.resolve(DEFAULT_FILE);
        return Files.isRegularFile(implicit) ? Optional.of(implicit) : Optional.empty();
    }

    /** Loads defaults &lt; file &lt; env &lt; --set, then {@code flags} (dedicated options win over --set). */
    SluiceConfig load(SluiceCli cli, Map<String, String> flags) throws ConfigException {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putAll(flags);
        return ConfigLoader.load(file(cli.env, cli.workDir), cli.env, all);
    }
}
