package dev.sluice.gateway.store;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Watches HikariCP's log for "leak detection triggered" (a connection held past
 * {@code store.leak-detection}): any such line is a leak the leak check reports, so it fails the build.
 */
public final class HikariLeakWatch {

    private static final Logger HIKARI = Logger.getLogger("com.zaxxer.hikari");
    private static final List<String> SEEN = new ArrayList<>();
    private static final Handler HANDLER = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String m = String.valueOf(r.getMessage());
            if (m.toLowerCase(java.util.Locale.ROOT).contains("leak detection triggered")) {
                synchronized (SEEN) {
                    if (SEEN.size() < 100) {
                        SEEN.add(m);
                    }
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    static {
        HANDLER.setLevel(Level.ALL);
        HIKARI.addHandler(HANDLER);
    }

    private HikariLeakWatch() {}

    /** Installs the watch (idempotent). */
    public static void install() {
        // the static initializer did it
    }

    /** Leak reports seen since the last call, which clears them. */
    public static List<String> drain() {
        synchronized (SEEN) {
            List<String> out = new ArrayList<>(SEEN);
            SEEN.clear();
            return out;
        }
    }
}
