package dev.sluice.gateway.config.load.value;

import dev.sluice.gateway.config.Secret;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.value.ValueType.AuthModeSetting;
import dev.sluice.gateway.config.load.value.ValueType.DemoMode;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parsers and printers behind {@link ValueType}: each parser takes the text of one value and returns it
 * parsed, or throws {@link IllegalArgumentException} with the reason, phrased to follow the value.
 */
final class ValueParsers {
    /** The shortest non-zero duration a key takes. */
    private static final Duration MIN_DURATION = Duration.ofMillis(1);
    /** The longest duration a key takes: whole hours that still fit in a long count of nanoseconds. */
    private static final Duration MAX_DURATION =
            Duration.ofHours(Duration.ofNanos(Long.MAX_VALUE).toHours());

    private ValueParsers() {}

    static Object host(String t) {
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

    static int intIn(String t, int min, int max) {
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

    static long positiveSize(String t, long max) {
        long bytes = Units.parseSize(t);
        if (bytes < 1) {
            throw new IllegalArgumentException("must be at least 1 byte");
        }
        if (bytes > max) {
            throw new IllegalArgumentException("is too large: at most " + Units.formatSize(max));
        }
        return bytes;
    }

    static Object url(String t) {
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

    static Secret secret(String t) {
        if (!t.equals(t.strip())) {
            throw new IllegalArgumentException("has leading or trailing whitespace");
        }
        if (t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("contains control characters");
        }
        return Secret.of(t);
    }

    static List<String> split(String t) {
        if (t.isBlank()) {
            return List.of();
        }
        return List.of(t.strip().split("\\s*,\\s*", -1));
    }

    static List<Secret> secrets(List<String> items) {
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

    static String formatSecrets(List<?> secrets) {
        return secrets.isEmpty()
                ? "[]"
                : "[" + String.join(", ", secrets.stream().map(s -> "****").toList()) + "]";
    }

    static Duration duration(String t, boolean zeroAllowed) {
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

    static Object fraction(String t) {
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

    static Object limitAlgorithm(String t) {
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "fixed" -> SluiceConfig.LimitAlgorithm.FIXED;
            case "gradient2" -> SluiceConfig.LimitAlgorithm.GRADIENT2;
            case "vegas" -> SluiceConfig.LimitAlgorithm.VEGAS;
            default -> throw new IllegalArgumentException("is not one of fixed, gradient2, vegas");
        };
    }

    static Object demoMode(String t) {
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> DemoMode.AUTO;
            case "on" -> DemoMode.ON;
            case "off" -> DemoMode.OFF;
            default -> throw new IllegalArgumentException("is not one of auto, on, off");
        };
    }

    static Object authMode(String t) {
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> AuthModeSetting.AUTO;
            case "open" -> AuthModeSetting.OPEN;
            case "keys" -> AuthModeSetting.KEYS;
            case "pass-through" -> AuthModeSetting.PASS_THROUGH;
            default -> throw new IllegalArgumentException("is not one of auto, open, keys, pass-through");
        };
    }

    static Object jdbcUrl(String t) {
        String u = t.strip();
        if (!u.startsWith("jdbc:sqlite:") && !u.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("must start with jdbc:sqlite: or jdbc:postgresql://");
        }
        if (u.matches("jdbc:postgresql://[^/]*:[^/]*@.*")) {
            throw new IllegalArgumentException("must not contain credentials: set store.user and store.password");
        }
        return u;
    }

    static Object balance(String t) {
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "fallback" -> SluiceConfig.Balance.FALLBACK;
            case "weighted" -> SluiceConfig.Balance.WEIGHTED;
            case "least-in-flight" -> SluiceConfig.Balance.LEAST_IN_FLIGHT;
            default -> throw new IllegalArgumentException("is not one of fallback, weighted, least-in-flight");
        };
    }

    static Object bool(String t) {
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("is not a boolean: use true or false");
        };
    }
}
