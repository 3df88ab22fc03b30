package dev.sluice.core;

import java.io.Serial;

/** A close step that did not finish within its deadline; reported as a suppressed exception. */
final class StepTimeoutException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    StepTimeoutException(String message) {
        super(message, null, false, false);
    }
}
