package dev.sluice.bench;

/**
 * How one request ended, with its times on the {@link System#nanoTime()} scale.
 *
 * @param outcome        completed, shed or error
 * @param firstEventNanos when the first content event arrived (completed answers), else 0
 * @param endNanos       when the answer ended: the stream's end, or the shed/error answer's headers
 * @param shedByUpstream a shed answer that came from the upstream (the fake's slots), not Sluice
 * @param error          what went wrong, for {@link Outcome#ERROR}; empty otherwise
 */
record CallResult(Outcome outcome, long firstEventNanos, long endNanos, boolean shedByUpstream, String error) {

    /** How a request ended, as the client sees it. */
    enum Outcome {
        /** HTTP 200 and a {@code message_stop} event. */
        COMPLETED,
        /** HTTP 529 or 503: refused by admission (or passed on from the upstream). */
        SHED,
        /** Anything else: another status, an {@code event: error}, a broken or truncated stream. */
        ERROR,
        /** Never sent: the client already had its maximum of outstanding requests. */
        CLIENT_OVERFLOW
    }

    static CallResult completed(long firstEventNanos, long endNanos) {
        return new CallResult(Outcome.COMPLETED, firstEventNanos, endNanos, false, "");
    }

    static CallResult shed(long endNanos, boolean byUpstream) {
        return new CallResult(Outcome.SHED, 0, endNanos, byUpstream, "");
    }

    static CallResult error(long endNanos, String error) {
        return new CallResult(Outcome.ERROR, 0, endNanos, false, error);
    }
}
