package dev.sluice.core;

/**
 * Thrown by {@link Lifecycle#close()} after every step has run, when at least one failed or
 * overran its deadline; each such failure is attached with {@link #getSuppressed()}.
 */
public final class LifecycleException extends RuntimeException {

    LifecycleException(String message) {
        super(message);
    }
}
