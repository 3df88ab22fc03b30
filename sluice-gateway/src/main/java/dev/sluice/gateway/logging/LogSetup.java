package dev.sluice.gateway.logging;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Sets the root handlers' formatter: {@link JsonLogFormatter} when {@code log.json} is on; else
 * {@link TextLogFormatter} in place of a {@link SimpleFormatter} whose format is Sluice's own (the same text,
 * cheaper), leaving a format the operator chose to {@code SimpleFormatter}.
 */
public final class LogSetup {

    private static final String FORMAT_KEY = "java.util.logging.SimpleFormatter.format";

    private LogSetup() {}

    public static void apply(boolean json) {
        boolean ownText = TextLogFormatter.FORMAT.equals(formatInEffect());
        for (Handler h : Logger.getLogger("").getHandlers()) {
            if (json) {
                h.setFormatter(new JsonLogFormatter());
            } else if (ownText && h.getFormatter() != null && h.getFormatter().getClass() == SimpleFormatter.class) {
                h.setFormatter(new TextLogFormatter());
            }
        }
    }

    /** The format a new {@code SimpleFormatter} would use: the system property, else the logging configuration's. */
    static String formatInEffect() {
        String format = System.getProperty(FORMAT_KEY);
        return format != null ? format : LogManager.getLogManager().getProperty(FORMAT_KEY);
    }
}
