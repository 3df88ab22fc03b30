package dev.sluice.fake;

/** A request the real API would refuse with 400; the message names the offending field. */
final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
        super(message, null, false, false);
    }
}
