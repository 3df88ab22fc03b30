package dev.sluice.gateway.config.load;

import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.SluiceConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the {@link SluiceConfig} from layered sources: defaults &lt; YAML file &lt; environment
 * &lt; command line flags. Every value is validated; any problem, in any key or source, fails the
 * whole load with a {@link ConfigException} that lists all of them.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * Loads defaults, then {@code file} if given, then {@code env} ({@code SLUICE_*} names and
     * aliases), then {@code flags} (dotted key to value).
     */
    public static SluiceConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> flags)
            throws ConfigException {
        List<String> problems = new ArrayList<>();
        List<Setting> fromFile = file.map(f -> YamlSource.read(f, problems)).orElse(List.of());
        List<Setting> fromEnv = Sources.fromEnv(env, problems);
        List<Setting> fromFlags = Sources.fromMap(flags, "command line", problems);
        return Resolver.resolve(List.of(fromFile, fromEnv, fromFlags), problems, env);
    }

    /** Defaults overlaid with {@code settings} (dotted key to value), for tests and embedding. */
    public static SluiceConfig of(Map<String, String> settings) throws ConfigException {
        List<String> problems = new ArrayList<>();
        List<Setting> given = Sources.fromMap(settings, "settings", problems);
        return Resolver.resolve(List.of(given), problems);
    }

    /** Every configuration key, in documentation order. */
    public static List<ConfigKey> keys() {
        List<ConfigKey> keys = new ArrayList<>(
                Registry.ENTRIES.stream().map(Registry.Entry::key).toList());
        NamedSections.FIELDS.forEach(f -> keys.add(f.asKey()));
        return List.copyOf(keys);
    }

    /** {@code c} as YAML, one line per key, secrets redacted. */
    public static String describe(SluiceConfig c) {
        return Describer.describe(c);
    }
}
