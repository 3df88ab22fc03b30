package dev.sluice.gateway.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Sluice's one-line text log format, {@link #FORMAT} ({@code 2026-12-07T21:42:05.123Z INFO    sluice.access - ...}),
 * written by hand: the same text as {@link java.util.logging.SimpleFormatter} with that format, without
 * {@code String.format} parsing the pattern and formatting the time field by field for every line (the access
 * log writes one line per request). Installed by {@link LogSetup} only while the format in effect is this one.
 */
public final class TextLogFormatter extends Formatter {

    /** The {@code java.util.logging.SimpleFormatter.format} Sluice sets unless the operator chose one. */
    public static final String FORMAT = "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s - %5$s%6$s%n";

    private static final String NEWLINE = System.lineSeparator();

    @Override
    public String format(LogRecord r) {
        StringBuilder b = new StringBuilder(160);
        LocalDateTime t = LocalDateTime.ofInstant(r.getInstant(), ZoneId.systemDefault());
        int year = t.getYear();
        if (year < 0) {
            b.append('-');
            year = -year;
        }
        pad(b, year, 4);
        b.append('-');
        pad(b, t.getMonthValue(), 2);
        b.append('-');
        pad(b, t.getDayOfMonth(), 2);
        b.append('T');
        pad(b, t.getHour(), 2);
        b.append(':');
        pad(b, t.getMinute(), 2);
        b.append(':');
        pad(b, t.getSecond(), 2);
        b.append('.');
        pad(b, t.getNano() / 1_000_000, 3);
        b.append("Z ");
        String level = r.getLevel().getLocalizedName();
        b.append(level);
        for (int i = level.length(); i < 7; i++) {
            b.append(' ');
        }
        b.append(' ').append(r.getLoggerName()).append(" - ").append(formatMessage(r));
        Throwable thrown = r.getThrown();
        if (thrown != null) {
            StringWriter sw = new StringWriter();
            try (PrintWriter pw = new PrintWriter(sw)) {
                pw.println();
                thrown.printStackTrace(pw);
            }
            b.append(sw);
        }
        return b.append(NEWLINE).toString();
    }

    /** {@code value} in at least {@code digits} digits, zeros in front. */
    private static void pad(StringBuilder b, int value, int digits) {
        int width = 1;
        for (int v = value; v >= 10; v /= 10) {
            width++;
        }
        for (int i = width; i < digits; i++) {
            b.append('0');
        }
        b.append(value);
    }
}
