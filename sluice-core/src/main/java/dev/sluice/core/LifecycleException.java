package dev.sluice.core;

import java.io.Serial;

/**
 * Thrown by {@link Lifecycle#close()} after every step has run, when at least one failed or
 * overran its deadline; each such failure is attached with {@link #getSuppressed()}.
 */
public final class LifecycleException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    LifecycleException(String message) {
        super(message);
    }
}
