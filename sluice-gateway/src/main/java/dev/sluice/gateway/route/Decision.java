package dev.sluice.gateway.route;

import java.time.Duration;
import java.util.Optional;

/**
 * What the plan does after an attempt ended: stop, try the same target again, the next one, or a target
 * for longer prompts.
 */
record Decision(Kind kind, Duration delay, String why, boolean countsForKind) {

    /** A decision that spends none of the target's same-target retries. */
    Decision(Kind kind, Duration delay, String why) {
        this(kind, delay, why, false);
    }

    /** A same-target retry that spends one of the retries the outcome's kind allows on the target. */
    private static Decision retry(Kind kind, String why) {
        return new Decision(kind, Duration.ZERO, why, true);
    }

    enum Kind {
        /** Done or not retryable. */
        STOP,
        /** Same target again, taking a retry token. */
        SAME,
        /** Same target again at once, without a token: the stale pooled connection case. */
        SAME_FREE,
        /** The next target in the plan, taking a token. */
        NEXT,
        /** The route's first untried context-length target, without a token: the prompt was too long. */
        CONTEXT
    }

    /**
     * What is known about the plan when an attempt ended, besides the attempt's outcome.
     *
     * @param staleRetried        the plan already spent its free retry on a stale connection
     * @param otherKeyReady       the target's provider has a key that is not cooling down
     * @param maxRetryAfter       the longest Retry-After waited out on the same target
     * @param sameRetriesLeft     same-target retries the outcome's kind still allows on this target
     * @param roomToRetry         a same-target retry would still leave an attempt for the next target
     *                            (or there is no next target to leave one for)
     * @param contextTargetLeft   the route has a context-length target not tried yet
     */
    record Situation(
            boolean staleRetried,
            boolean otherKeyReady,
            Duration maxRetryAfter,
            int sameRetriesLeft,
            boolean roomToRetry,
            boolean contextTargetLeft) {}

    /** The retry rules; docs/operations.md has them as a table. */
    static Decision after(AttemptOutcome outcome, Optional<Duration> retryAfter, Situation s) {
        boolean waitable = retryAfter.isPresent() && retryAfter.get().compareTo(s.maxRetryAfter()) <= 0;
        Duration wait = waitable ? nonNegative(retryAfter.get()) : Duration.ZERO;
        boolean retryHere = s.sameRetriesLeft() > 0 && s.roomToRetry();
        return switch (outcome) {
            case SUCCESS -> new Decision(Kind.STOP, Duration.ZERO, "succeeded");
            case CONTEXT_LENGTH ->
                s.contextTargetLeft()
                        ? new Decision(Kind.CONTEXT, Duration.ZERO, "context length exceeded; a larger target")
                        : new Decision(Kind.STOP, Duration.ZERO, "not retried: " + outcome);
            case CLIENT_ERROR, CONTENT_FILTER -> new Decision(Kind.STOP, Duration.ZERO, "not retried: " + outcome);
            case CANCELLED -> new Decision(Kind.STOP, Duration.ZERO, "cancelled");
            case STALE_CONNECTION ->
                !s.staleRetried()
                        ? retry(Kind.SAME_FREE, "stale connection")
                        : retryHere
                                ? retry(Kind.SAME, "connection broke again; retrying")
                                : new Decision(Kind.NEXT, Duration.ZERO, "stale connection again");
            case RATE_LIMITED ->
                s.otherKeyReady()
                        ? new Decision(Kind.SAME, Duration.ZERO, "rate limited; another key")
                        : waitable
                                ? new Decision(Kind.SAME, wait, "rate limited; waiting Retry-After")
                                : new Decision(Kind.NEXT, Duration.ZERO, "rate limited" + tooLong(retryAfter));
            case OVERLOADED ->
                waitable
                        ? new Decision(Kind.SAME, wait, "overloaded; waiting Retry-After")
                        : retryHere && retryAfter.isEmpty()
                                ? retry(Kind.SAME, "overloaded; retrying")
                                : new Decision(Kind.NEXT, Duration.ZERO, "overloaded" + tooLong(retryAfter));
            case SERVER_ERROR, CONNECT_FAILED, TIMEOUT ->
                retryHere
                        ? retry(Kind.SAME, outcome.name() + "; retrying")
                        : new Decision(Kind.NEXT, Duration.ZERO, outcome.name());
            case UNSUPPORTED -> new Decision(Kind.NEXT, Duration.ZERO, "the target cannot serve this request");
            case BROKE_MID_STREAM ->
                new Decision(Kind.NEXT, Duration.ZERO, "the stream broke; the next target continues");
        };
    }

    private static String tooLong(Optional<Duration> retryAfter) {
        return retryAfter
                .map(d -> "; Retry-After " + d.toMillis() + " ms too long")
                .orElse("");
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
