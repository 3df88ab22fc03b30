package dev.sluice.gateway.config.load;

import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.keys.EndpointKeys;
import dev.sluice.gateway.config.load.keys.KeyRow;
import dev.sluice.gateway.config.load.keys.OperationKeys;
import dev.sluice.gateway.config.load.keys.ServerKeys;
import dev.sluice.gateway.config.load.keys.StoreKeys;
import dev.sluice.gateway.config.load.keys.UpstreamKeys;
import dev.sluice.gateway.config.load.value.ValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * THE table of configuration keys: name, type, default, meaning, and where each lives in
 * {@link SluiceConfig}. docs/configuration.md mirrors it (a test checks both ways). The rows are written
 * section by section in {@code config.load.keys}; here they are joined, indexed and given their env names.
 */
final class Registry {

    /** One key: its public description, how to parse it and how to read it back from a config. */
    record Entry(ConfigKey key, ValueType type, Function<SluiceConfig, Object> read) {}

    /** Every key, the sections in the order of docs/configuration.md (the docs test checks the order too). */
    static final List<Entry> ENTRIES = Stream.of(
                    ServerKeys.ROWS, UpstreamKeys.ROWS, OperationKeys.ROWS, StoreKeys.ROWS, EndpointKeys.ROWS)
            .flatMap(List::stream)
            .map(Registry::entry)
            .toList();

    /** Other environment names for a key; the canonical {@code SLUICE_*} name wins over these. */
    static final Map<String, String> ENV_ALIASES = Map.of(
            "SLUICE_PORT", "server.port",
            "SLUICE_HOST", "server.host",
            "ANTHROPIC_API_KEY", "upstream.api-key");

    /** SLUICE_* variables that are not config keys but are used elsewhere (launcher, CLI). */
    static final Set<String> RESERVED_ENV = Set.of(
            "SLUICE_CONFIG", "SLUICE_JVM_DIR", "SLUICE_JAVA_OPTS", "SLUICE_LOGGING_CONFIG", "SLUICE_BENCH_JAVA_OPTS");

    static final Map<String, Entry> BY_KEY = index();

    private Registry() {}

    /** A table row as an entry: its type shown as the type's display text, its env name derived from the key. */
    private static Entry entry(KeyRow row) {
        return new Entry(
                new ConfigKey(
                        row.key(),
                        row.type().display,
                        row.defaultText(),
                        ConfigKey.envName(row.key()),
                        row.description()),
                row.type(),
                row.read());
    }

    private static Map<String, Entry> index() {
        Map<String, Entry> byKey = new LinkedHashMap<>();
        for (Entry e : ENTRIES) {
            if (byKey.put(e.key().key(), e) != null) {
                throw new IllegalStateException(
                        "config key listed twice: " + e.key().key());
            }
        }
        return java.util.Collections.unmodifiableMap(byKey);
    }

    /** Aliases of {@code key}, in a fixed order. */
    static List<String> aliasesOf(String key) {
        return ENV_ALIASES.entrySet().stream()
                .filter(e -> e.getValue().equals(key))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }
}
