package dev.sluice.core;

/** A close step that did not finish within its deadline; reported as a suppressed exception. */
final class StepTimeoutException extends Exception {

    StepTimeoutException(String message) {
        super(message, null, false, false);
    }
}
