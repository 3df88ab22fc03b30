package dev.sluice.gateway.config.load.keys;

import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.value.ValueType;
import java.util.function.Function;

/**
 * One row of the key table: the key's dotted name, value type, default (as written in a config file; empty
 * when it has none), one-line meaning, and where it lives in {@link SluiceConfig}.
 */
public record KeyRow(
        String key, ValueType type, String defaultText, String description, Function<SluiceConfig, Object> read) {

    static KeyRow row(
            String key, ValueType type, String defaultText, String description, Function<SluiceConfig, Object> read) {
        return new KeyRow(key, type, defaultText, description, read);
    }
}
