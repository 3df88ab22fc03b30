package dev.sluice.gateway.route;

import java.time.Duration;
import java.util.Optional;

/** What the plan does after an attempt ended: stop, try the same target again, or the next one. */
record Decision(Kind kind, Duration delay, String why) {

    enum Kind {
        /** Done or not retryable. */
        STOP,
        /** Same target again, taking a retry token. */
        SAME,
        /** Same target again at once, without a token: the stale pooled connection case. */
        SAME_FREE,
        /** The next target in the plan, taking a token. */
        NEXT
    }

    /**
     * The retry rules.
     *
     * @param staleRetried  the plan already spent its free retry on a stale connection
     * @param otherKeyReady the target's provider has a key that is not cooling down
     */
    static Decision after(
            AttemptOutcome outcome,
            Optional<Duration> retryAfter,
            boolean staleRetried,
            boolean otherKeyReady,
            Duration maxRetryAfter) {
        boolean waitable = retryAfter.isPresent() && retryAfter.get().compareTo(maxRetryAfter) <= 0;
        Duration wait = waitable ? nonNegative(retryAfter.get()) : Duration.ZERO;
        return switch (outcome) {
            case SUCCESS -> new Decision(Kind.STOP, Duration.ZERO, "succeeded");
            case CLIENT_ERROR, CONTEXT_LENGTH, CONTENT_FILTER ->
                new Decision(Kind.STOP, Duration.ZERO, "not retried: " + outcome);
            case CANCELLED -> new Decision(Kind.STOP, Duration.ZERO, "cancelled");
            case STALE_CONNECTION ->
                staleRetried
                        ? new Decision(Kind.NEXT, Duration.ZERO, "stale connection again")
                        : new Decision(Kind.SAME_FREE, Duration.ZERO, "stale connection");
            case RATE_LIMITED ->
                otherKeyReady
                        ? new Decision(Kind.SAME, Duration.ZERO, "rate limited; another key")
                        : waitable
                                ? new Decision(Kind.SAME, wait, "rate limited; waiting Retry-After")
                                : new Decision(Kind.NEXT, Duration.ZERO, "rate limited" + tooLong(retryAfter));
            case OVERLOADED ->
                waitable
                        ? new Decision(Kind.SAME, wait, "overloaded; waiting Retry-After")
                        : new Decision(Kind.NEXT, Duration.ZERO, "overloaded" + tooLong(retryAfter));
            case SERVER_ERROR, CONNECT_FAILED, TIMEOUT -> new Decision(Kind.NEXT, Duration.ZERO, outcome.name());
            case UNSUPPORTED -> new Decision(Kind.NEXT, Duration.ZERO, "the target cannot serve this request");
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
