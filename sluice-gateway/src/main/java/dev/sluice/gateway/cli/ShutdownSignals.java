package dev.sluice.gateway.cli;

import java.util.List;
import sun.misc.Signal;

/**
 * Runs the graceful shutdown on SIGTERM and SIGINT <em>before</em> the JVM starts its own shutdown.
 * With only a shutdown hook, the JDK's LogManager resets its handlers from a hook of its own that
 * runs concurrently, and the drain and close steps go unlogged. Handling the signal ourselves lets
 * {@code serve} finish the shutdown and then exit normally; the hook stays as the fallback for any
 * other way the JVM is told to exit.
 */
final class ShutdownSignals {

    private ShutdownSignals() {
    }

    static void install(Runnable gracefulClose) {
        Runtime.getRuntime().addShutdownHook(new Thread(gracefulClose, "sluice-shutdown-hook"));
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name),
                        signal -> Thread.ofPlatform().name("sluice-shutdown").start(gracefulClose));
            } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
                // this platform does not let us handle it: the shutdown hook still closes gracefully
            }
        }
    }

    /** A one-line log format unless the operator configured one. Call first in main. */
    static void defaultLogFormat() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s - %5$s%6$s%n");
        }
    }
}
