package dev.sluice.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link TextLogFormatter} writes what the JDK's {@link SimpleFormatter} writes with Sluice's format, character for character. */
class TextLogFormatterTest {

    private static final String KEY = "java.util.logging.SimpleFormatter.format";
    private static String before;

    @BeforeAll
    static void sluiceFormat() {
        before = System.getProperty(KEY);
        System.setProperty(KEY, TextLogFormatter.FORMAT);
    }

    @AfterAll
    static void restore() {
        if (before == null) {
            System.clearProperty(KEY);
        } else {
            System.setProperty(KEY, before);
        }
    }

    private static LogRecord record(Level level, String message, Instant at, String logger) {
        LogRecord r = new LogRecord(level, message);
        r.setInstant(at);
        r.setLoggerName(logger);
        r.setSourceClassName("dev.sluice.Some");
        r.setSourceMethodName("method");
        return r;
    }

    @Test
    void theSameTextAsSimpleFormatterWithSluicesFormat() {
        SimpleFormatter jdk = new SimpleFormatter();
        TextLogFormatter ours = new TextLogFormatter();
        List<LogRecord> records = List.of(
                record(
                        Level.INFO,
                        "POST /v1/messages 200 outcome=SUCCESS",
                        Instant.parse("2026-12-07T21:42:05.123Z"),
                        "sluice.access"),
                record(Level.WARNING, "a warning", Instant.parse("2026-01-02T03:04:05.006Z"), "sluice.relay"),
                record(Level.SEVERE, "midnight", Instant.parse("2026-12-31T23:59:59.999Z"), "sluice"),
                record(Level.FINE, "early", Instant.parse("0999-03-04T05:06:07Z"), "x"),
                record(Level.CONFIG, "config", Instant.ofEpochMilli(0), null));
        LogRecord withParams =
                record(Level.INFO, "request {0} took {1} ms", Instant.parse("2026-06-15T12:00:00.050Z"), "sluice");
        withParams.setParameters(new Object[] {"r-1", 42});
        LogRecord thrown = record(Level.SEVERE, "failed", Instant.parse("2026-06-15T12:00:00.500Z"), "sluice");
        thrown.setThrown(new IllegalStateException("boom", new java.io.IOException("cause")));
        for (LogRecord r : List.of(
                records.get(0), records.get(1), records.get(2), records.get(3), records.get(4), withParams, thrown)) {
            assertThat(ours.format(r)).as(r.getMessage()).isEqualTo(jdk.format(r));
        }
    }

    @Test
    void installedOnlyWhileTheFormatInEffectIsSluices() {
        assertThat(LogSetup.formatInEffect()).isEqualTo(TextLogFormatter.FORMAT);
        System.setProperty(KEY, "%5$s%n");
        try {
            assertThat(LogSetup.formatInEffect()).isEqualTo("%5$s%n");
        } finally {
            System.setProperty(KEY, TextLogFormatter.FORMAT);
        }
    }
}
