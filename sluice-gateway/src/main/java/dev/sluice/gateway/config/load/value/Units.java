package dev.sluice.gateway.config.load.value;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints sizes ({@code 32MiB}) and durations ({@code 30s}, {@code PT30S}). */
final class Units {
    private static final Pattern NUMBER_UNIT = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private Units() {}

    /** Bytes in {@code text}: a whole number with an optional unit B, KiB, MiB or GiB. */
    static long parseSize(String text) {
        Matcher m = NUMBER_UNIT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "is not a size: write a whole number of bytes with an optional unit B, KiB, MiB or GiB, e.g. 32MiB");
        }
        String unit = m.group(2);
        long multiplier = switch (unit.toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "kib" -> KIB;
            case "mib" -> MIB;
            case "gib" -> GIB;
            case "k", "kb", "m", "mb", "g", "gb", "t", "tb" ->
                throw new IllegalArgumentException("has the ambiguous unit \"" + unit
                        + "\" (1000 or 1024?): write KiB, MiB or GiB (1024-based), e.g. " + m.group(1)
                        + binaryOf(unit));
            default ->
                throw new IllegalArgumentException(
                        "has the unknown size unit \"" + unit + "\": use B, KiB, MiB or GiB");
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("is too large a size");
        }
    }

    private static String binaryOf(String ambiguous) {
        return Character.toUpperCase(ambiguous.charAt(0)) + "iB";
    }

    /** {@code bytes} in the largest binary unit that divides it exactly, e.g. {@code 32MiB}. */
    static String formatSize(long bytes) {
        if (bytes != 0 && bytes % GIB == 0) {
            return bytes / GIB + "GiB";
        } else if (bytes != 0 && bytes % MIB == 0) {
            return bytes / MIB + "MiB";
        } else if (bytes != 0 && bytes % KIB == 0) {
            return bytes / KIB + "KiB";
        }
        return bytes + "B";
    }

    /** A duration: ISO-8601 ({@code PT30S}) or a whole number with ms, s, m or h; {@code 0} alone is zero. */
    static Duration parseDuration(String text) {
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (t.startsWith("P") || t.startsWith("p") || t.startsWith("-P") || t.startsWith("-p")) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("is not an ISO-8601 duration (e.g. PT30S, PT0.25S, PT5M)");
            }
        }
        Matcher m = NUMBER_UNIT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("is not a duration: write e.g. 250ms, 30s, 5m, 1h or ISO-8601 PT30S");
        }
        String unit = m.group(2);
        if (unit.isEmpty()) {
            throw new IllegalArgumentException("has no unit: write e.g. " + m.group(1) + "ms or " + m.group(1) + "s");
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (unit.toLowerCase(Locale.ROOT)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default ->
                    throw new IllegalArgumentException(
                            "has the unknown duration unit \"" + unit + "\": use ms, s, m or h");
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("is too long a duration");
        }
    }

    /** {@code d} in the largest of h, m, s, ms that divides it exactly; ISO-8601 otherwise. */
    static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative() || d.getNano() % 1_000_000 != 0 || d.getSeconds() > Long.MAX_VALUE / 1000 - 1) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        } else if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        } else if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
