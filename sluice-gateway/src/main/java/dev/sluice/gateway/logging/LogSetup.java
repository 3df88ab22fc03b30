package dev.sluice.gateway.logging;

import java.util.logging.Handler;
import java.util.logging.Logger;

/** Switches every root handler to {@link JsonLogFormatter} when {@code log.format} is json. */
public final class LogSetup {

    private LogSetup() {}

    public static void apply(boolean json) {
        if (!json) {
            return;
        }
        for (Handler h : Logger.getLogger("").getHandlers()) {
            h.setFormatter(new JsonLogFormatter());
        }
    }
}
