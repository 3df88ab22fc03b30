package dev.sluice.gateway.store;

import org.jspecify.annotations.Nullable;

/** The store could not be opened or used; the message is safe to log (no credentials). */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
