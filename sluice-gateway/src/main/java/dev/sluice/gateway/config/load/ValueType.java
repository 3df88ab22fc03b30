package dev.sluice.gateway.config.load;

import dev.sluice.gateway.config.ProviderKind;
import dev.sluice.gateway.config.Secret;
import dev.sluice.gateway.config.SluiceConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The kinds of value a key can hold: how to parse one from text (throwing
 * {@link IllegalArgumentException} with the reason, phrased to follow the value) and how to print
 * one back. Secrets print redacted.
 */
enum ValueType {
    HOST("host", ValueType::host, String::valueOf),
    PORT("int 0..65535", t -> intIn(t, 0, 65535), String::valueOf),
    POSITIVE_INT("int >= 1", t -> intIn(t, 1, Integer.MAX_VALUE), String::valueOf),
    NON_NEGATIVE_INT("int >= 0", t -> intIn(t, 0, Integer.MAX_VALUE), String::valueOf),
    FRACTION("fraction 0..1", ValueType::fraction, String::valueOf),
    LIMIT_ALGORITHM(
            "fixed/gradient2/vegas",
            ValueType::limitAlgorithm,
            v -> v.toString().toLowerCase(Locale.ROOT)),
    PATH("path (empty: none)", String::strip, String::valueOf),
    SIZE("size", t -> positiveSize(t, Long.MAX_VALUE), v -> Units.formatSize((Long) v)),
    INT_SIZE("size", t -> (int) positiveSize(t, Integer.MAX_VALUE), v -> Units.formatSize((Integer) v)),
    SIZE_OR_ZERO(
            "size (0: off)",
            t -> t.strip().equals("0") ? 0L : positiveSize(t, Long.MAX_VALUE),
            v -> (Long) v == 0 ? "0" : Units.formatSize((Long) v)),
    URL("http(s) URL", ValueType::url, String::valueOf),
    SECRET("secret", ValueType::secret, v -> ((Secret) v).isEmpty() ? "" : "****"),
    SECRET_LIST("list of secrets", t -> secrets(split(t)), v -> ValueType.formatSecrets((List<?>) v)),
    DURATION("duration", t -> duration(t, false), v -> Units.formatDuration((Duration) v)),
    DURATION_OR_ZERO("duration", t -> duration(t, true), v -> Units.formatDuration((Duration) v)),
    DEMO_MODE("auto/on/off", ValueType::demoMode, v -> v.toString().toLowerCase(Locale.ROOT)),
    BOOLEAN("boolean", ValueType::bool, String::valueOf),
    TEXT("text", String::strip, String::valueOf),
    TEXT_LIST(
            "list",
            t -> split(t),
            v -> String.join(", ", ((List<?>) v).stream().map(String::valueOf).toList())),
    PROVIDER_KIND("provider kind", ProviderKind::parse, v -> ((ProviderKind) v).id()),
    AUTH_MODE(
            "auto/open/keys/pass-through",
            ValueType::authMode,
            v -> v.toString().toLowerCase(Locale.ROOT).replace('_', '-')),
    JDBC_URL("jdbc:sqlite:... or jdbc:postgresql://...", ValueType::jdbcUrl, String::valueOf),
    BALANCE(
            "fallback/weighted/least-in-flight",
            ValueType::balance,
            v -> v.toString().toLowerCase(Locale.ROOT).replace('_', '-'));

    /** The shortest non-zero duration a key takes. */
    static final Duration MIN_DURATION = Duration.ofMillis(1);
    /** The longest duration a key takes: whole hours that still fit in a long count of nanoseconds. */
    static final Duration MAX_DURATION =
            Duration.ofHours(Duration.ofNanos(Long.MAX_VALUE).toHours());

    /** demo.mode values. */
    enum DemoMode {
        AUTO,
        ON,
        OFF
    }

    final String display;
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

    Object parse(String text) {
        return parser.apply(text);
    }

    /** Parses a YAML list; only list types accept one. */
    Object parseList(List<String> items) {
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
        return secrets(items.stream().map(String::strip).toList());
    }

    String format(Object value) {
        return printer.apply(value);
    }

    boolean isSecret() {
        return this == SECRET || this == SECRET_LIST;
    }

    private static Object host(String t) {
        if (t.isBlank()) {
            throw new IllegalArgumentException("is empty: give a host name or IP address, e.g. 127.0.0.1");
        }
        if (t.contains(":")) {
            try {
                InetAddress.getByName("[" + t + "]"); // an IPv6 literal only: never a DNS lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("is not a host name or IP address"
                        + " (an IPv6 address goes without brackets; the port goes in server.port)");
            }
        } else if (!t.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("is not a host name or IP address");
        }
        return t;
    }

    private static int intIn(String t, int min, int max) {
        long n;
        try {
            n = Long.parseLong(t.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not an integer" + range(min, max));
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("is out of range: must be an integer" + range(min, max));
        }
        return (int) n;
    }

    private static String range(int min, int max) {
        return max == Integer.MAX_VALUE ? " >= " + min : " in " + min + ".." + max;
    }

    private static long positiveSize(String t, long max) {
        long bytes = Units.parseSize(t);
        if (bytes < 1) {
            throw new IllegalArgumentException("must be at least 1 byte");
        }
        if (bytes > max) {
            throw new IllegalArgumentException("is too large: at most " + Units.formatSize(max));
        }
        return bytes;
    }

    private static Object url(String t) {
        URI uri;
        try {
            uri = new URI(t.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("is not an http:// or https:// URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must not contain credentials: set upstream.api-key instead");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must not have a query or fragment: give the base URL only");
        }
        return uri;
    }

    private static Secret secret(String t) {
        if (!t.equals(t.strip())) {
            throw new IllegalArgumentException("has leading or trailing whitespace");
        }
        if (t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("contains control characters");
        }
        return Secret.of(t);
    }

    private static List<String> split(String t) {
        if (t.isBlank()) {
            return List.of();
        }
        return List.of(t.strip().split("\\s*,\\s*", -1));
    }

    private static List<Secret> secrets(List<String> items) {
        List<Secret> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).isEmpty()) {
                throw new IllegalArgumentException(
                        "has an empty entry (entry " + (i + 1) + " of " + items.size() + ")");
            }
            try {
                out.add(secret(items.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("entry " + (i + 1) + " " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    private static String formatSecrets(List<?> secrets) {
        return secrets.isEmpty()
                ? "[]"
                : "[" + String.join(", ", secrets.stream().map(s -> "****").toList()) + "]";
    }

    private static Duration duration(String t, boolean zeroAllowed) {
        Duration d = Units.parseDuration(t);
        if (d.isNegative() || (d.isZero() && !zeroAllowed)) {
            throw new IllegalArgumentException("must be " + (zeroAllowed ? ">= 0" : "> 0"));
        }
        if (!d.isZero() && d.compareTo(MIN_DURATION) < 0) {
            // timers and the breaker count in whole milliseconds: 0.5 ms would be 0 to them (and refused)
            throw new IllegalArgumentException(
                    "is below 1ms, the smallest duration" + (zeroAllowed ? " besides 0" : ""));
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            // deadlines and backoffs are counted in nanoseconds, which a longer duration overflows
            throw new IllegalArgumentException("is too long a duration: at most " + Units.formatDuration(MAX_DURATION));
        }
        return d;
    }

    private static Object fraction(String t) {
        double d;
        try {
            d = Double.parseDouble(t.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a number between 0 and 1, e.g. 0.92");
        }
        if (!(d > 0 && d <= 1)) {
            throw new IllegalArgumentException("is not a fraction in (0, 1]");
        }
        return d;
    }

    private static Object limitAlgorithm(String t) {
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "fixed" -> SluiceConfig.LimitAlgorithm.FIXED;
            case "gradient2" -> SluiceConfig.LimitAlgorithm.GRADIENT2;
            case "vegas" -> SluiceConfig.LimitAlgorithm.VEGAS;
            default -> throw new IllegalArgumentException("is not one of fixed, gradient2, vegas");
        };
    }

    private static Object demoMode(String t) {
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> DemoMode.AUTO;
            case "on" -> DemoMode.ON;
            case "off" -> DemoMode.OFF;
            default -> throw new IllegalArgumentException("is not one of auto, on, off");
        };
    }

    /** auth.mode values; AUTO resolves to KEYS when auth.api-keys is set, else OPEN. */
    enum AuthModeSetting {
        AUTO,
        OPEN,
        KEYS,
        PASS_THROUGH
    }

    private static Object authMode(String t) {
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> AuthModeSetting.AUTO;
            case "open" -> AuthModeSetting.OPEN;
            case "keys" -> AuthModeSetting.KEYS;
            case "pass-through" -> AuthModeSetting.PASS_THROUGH;
            default -> throw new IllegalArgumentException("is not one of auto, open, keys, pass-through");
        };
    }

    private static Object jdbcUrl(String t) {
        String u = t.strip();
        if (!u.startsWith("jdbc:sqlite:") && !u.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("must start with jdbc:sqlite: or jdbc:postgresql://");
        }
        if (u.matches("jdbc:postgresql://[^/]*:[^/]*@.*")) {
            throw new IllegalArgumentException("must not contain credentials: set store.user and store.password");
        }
        return u;
    }

    private static Object balance(String t) {
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "fallback" -> SluiceConfig.Balance.FALLBACK;
            case "weighted" -> SluiceConfig.Balance.WEIGHTED;
            case "least-in-flight" -> SluiceConfig.Balance.LEAST_IN_FLIGHT;
            default -> throw new IllegalArgumentException("is not one of fallback, weighted, least-in-flight");
        };
    }

    private static Object bool(String t) {
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("is not a boolean: use true or false");
        };
    }
}
