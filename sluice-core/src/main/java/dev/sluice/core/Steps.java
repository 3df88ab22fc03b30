package dev.sluice.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;

/** Running one close step so that nothing it throws escapes: shared by scopes and registration. */
final class Steps {

    private Steps() {}

    /**
     * Closes {@code resource}, returning what it threw (or {@code null}). An
     * {@link InterruptedException} restores the caller's interrupt flag.
     */
    static @Nullable Throwable closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
            return null;
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return t;
        }
    }

    /** Closes {@code resource} and logs a failure at WARNING; returns whether it closed cleanly. */
    static boolean closeLogged(Logger log, AutoCloseable resource, String what) {
        Throwable failure = closeQuietly(resource);
        if (failure != null) {
            log.log(Level.WARNING, "closing " + what + " failed; continuing", failure);
            return false;
        }
        return true;
    }
}
