package dev.sluice.bench;

/**
 * How one request ended, with its times on the {@link System#nanoTime()} scale.
 *
 * @param outcome         completed, shed, error or disconnected
 * @param firstEventNanos when the first content event arrived (completed answers), else 0
 * @param endNanos        when the answer ended: the stream's end, or the shed/error answer's headers
 * @param shedByUpstream  a shed answer that came from the upstream (the fake's slots), not Sluice
 * @param error           what went wrong, for {@link Outcome#ERROR}; empty otherwise
 * @param frames          content events (text deltas) read; 0 for whole answers
 * @param maxGapNanos     the longest wait between two content events of a stream; 0 with fewer than two
 */
record CallResult(
        Outcome outcome,
        long firstEventNanos,
        long endNanos,
        boolean shedByUpstream,
        String error,
        int frames,
        long maxGapNanos) {

    /** How a request ended, as the client sees it. */
    enum Outcome {
        /** HTTP 200 and the end of the answer ({@code message_stop}, {@code [DONE]} or the whole JSON body). */
        COMPLETED,
        /** HTTP 529 or 503: refused by admission (or passed on from the upstream). */
        SHED,
        /** Anything else: another status, an in-band error event, a broken or truncated stream. */
        ERROR,
        /** Never sent: the client already had its maximum of outstanding requests. */
        CLIENT_OVERFLOW,
        /** The client left before the end on purpose (a disconnect in a traffic mix). */
        DISCONNECTED
    }

    static CallResult completed(long firstEventNanos, long endNanos) {
        return streamed(firstEventNanos, endNanos, 0, 0);
    }

    static CallResult streamed(long firstEventNanos, long endNanos, int frames, long maxGapNanos) {
        return new CallResult(Outcome.COMPLETED, firstEventNanos, endNanos, false, "", frames, maxGapNanos);
    }

    static CallResult shed(long endNanos, boolean byUpstream) {
        return new CallResult(Outcome.SHED, 0, endNanos, byUpstream, "", 0, 0);
    }

    static CallResult error(long endNanos, String error) {
        return new CallResult(Outcome.ERROR, 0, endNanos, false, error, 0, 0);
    }

    static CallResult disconnected(long endNanos) {
        return new CallResult(Outcome.DISCONNECTED, 0, endNanos, false, "", 0, 0);
    }
}
