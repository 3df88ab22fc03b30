package dev.sluice.gateway.store;

/** The store could not be opened or used; the message is safe to log (no credentials). */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
