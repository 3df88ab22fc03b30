package dev.sluice.gateway.config.load.value;

import dev.sluice.gateway.config.ProviderKind;
import dev.sluice.gateway.config.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The kinds of value a key can hold: how to parse one from text (throwing
 * {@link IllegalArgumentException} with the reason, phrased to follow the value) and how to print
 * one back. Secrets print redacted.
 */
public enum ValueType {
    HOST("host", ValueParsers::host, String::valueOf),
    PORT("int 0..65535", t -> ValueParsers.intIn(t, 0, 65535), String::valueOf),
    POSITIVE_INT("int >= 1", t -> ValueParsers.intIn(t, 1, Integer.MAX_VALUE), String::valueOf),
    NON_NEGATIVE_INT("int >= 0", t -> ValueParsers.intIn(t, 0, Integer.MAX_VALUE), String::valueOf),
    FRACTION("fraction 0..1", ValueParsers::fraction, String::valueOf),
    LIMIT_ALGORITHM(
            "fixed/gradient2/vegas",
            ValueParsers::limitAlgorithm,
            v -> v.toString().toLowerCase(Locale.ROOT)),
    PATH("path (empty: none)", String::strip, String::valueOf),
    SIZE("size", t -> ValueParsers.positiveSize(t, Long.MAX_VALUE), v -> Units.formatSize((Long) v)),
    INT_SIZE("size", t -> (int) ValueParsers.positiveSize(t, Integer.MAX_VALUE), v -> Units.formatSize((Integer) v)),
    SIZE_OR_ZERO(
            "size (0: off)",
            t -> t.strip().equals("0") ? 0L : ValueParsers.positiveSize(t, Long.MAX_VALUE),
            v -> (Long) v == 0 ? "0" : Units.formatSize((Long) v)),
    URL("http(s) URL", ValueParsers::url, String::valueOf),
    SECRET("secret", ValueParsers::secret, v -> ((Secret) v).isEmpty() ? "" : "****"),
    SECRET_LIST(
            "list of secrets",
            t -> ValueParsers.secrets(ValueParsers.split(t)),
            v -> ValueParsers.formatSecrets((List<?>) v)),
    DURATION("duration", t -> ValueParsers.duration(t, false), v -> Units.formatDuration((Duration) v)),
    DURATION_OR_ZERO("duration", t -> ValueParsers.duration(t, true), v -> Units.formatDuration((Duration) v)),
    DEMO_MODE("auto/on/off", ValueParsers::demoMode, v -> v.toString().toLowerCase(Locale.ROOT)),
    BOOLEAN("boolean", ValueParsers::bool, String::valueOf),
    TEXT("text", String::strip, String::valueOf),
    TEXT_LIST(
            "list",
            t -> ValueParsers.split(t),
            v -> String.join(", ", ((List<?>) v).stream().map(String::valueOf).toList())),
    PROVIDER_KIND("provider kind", ProviderKind::parse, v -> ((ProviderKind) v).id()),
    AUTH_MODE(
            "auto/open/keys/pass-through",
            ValueParsers::authMode,
            v -> v.toString().toLowerCase(Locale.ROOT).replace('_', '-')),
    JDBC_URL("jdbc:sqlite:... or jdbc:postgresql://...", ValueParsers::jdbcUrl, String::valueOf),
    BALANCE(
            "fallback/weighted/least-in-flight",
            ValueParsers::balance,
            v -> v.toString().toLowerCase(Locale.ROOT).replace('_', '-'));

    /** demo.mode values. */
    public enum DemoMode {
        AUTO,
        ON,
        OFF
    }

    public final String display;
    // both are stateless: static method references and lambdas that capture nothing
    @SuppressWarnings("ImmutableEnumChecker")
    private final Function<String, Object> parser;

    @SuppressWarnings("ImmutableEnumChecker")
    private final Function<Object, String> printer;

    ValueType(String display, Function<String, Object> parser, Function<Object, String> printer) {
        this.display = display;
        this.parser = parser;
        this.printer = printer;
    }

    public Object parse(String text) {
        return parser.apply(text);
    }

    /** Parses a YAML list; only list types accept one. */
    public Object parseList(List<String> items) {
        if (this == TEXT_LIST) {
            List<String> out = items.stream().map(String::strip).toList();
            if (out.contains("")) {
                throw new IllegalArgumentException("has an empty entry");
            }
            return out;
        }
        if (this != SECRET_LIST) {
            throw new IllegalArgumentException("is a list, but this key takes a single " + display);
        }
        return ValueParsers.secrets(items.stream().map(String::strip).toList());
    }

    public String format(Object value) {
        return printer.apply(value);
    }

    public boolean isSecret() {
        return this == SECRET || this == SECRET_LIST;
    }

    /** auth.mode values; AUTO resolves to KEYS when auth.api-keys is set, else OPEN. */
    public enum AuthModeSetting {
        AUTO,
        OPEN,
        KEYS,
        PASS_THROUGH
    }
}
