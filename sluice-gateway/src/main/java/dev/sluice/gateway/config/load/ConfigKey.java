package dev.sluice.gateway.config.load;

/**
 * One configuration key as documented: its dotted name, value type, default (as written in a
 * config file; empty when the key has no default), environment variable and one-line meaning.
 * The full list is {@link ConfigLoader#keys()}.
 */
public record ConfigKey(String key, String type, String defaultText, String env, String description) {

    /** The default as shown in docs: {@code (none)} when the key has no default. */
    public String shownDefault() {
        return defaultText.isEmpty() ? "(none)" : defaultText;
    }

    /** {@code SLUICE_} + the key upper-cased, with {@code .} and {@code -} as {@code _}. */
    static String envName(String key) {
        return "SLUICE_"
                + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
