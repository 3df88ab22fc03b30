package dev.sluice.gateway.route;

import java.util.ArrayList;
import java.util.List;

/**
 * How many times a failed attempt is retried on the same target, per kind of failure, before the plan
 * moves to the next target. Every such retry takes a retry token and counts against the attempt limit.
 *
 * @param serverError 500, 502, 504 and other 5xx except 503 (default 1)
 * @param connection  a connect failure (refused, unreachable, connect timeout) or a connection broken
 *                    before any answer byte (reset); the free retry of a stale pooled connection counts as
 *                    one of these (default 1)
 * @param overloaded  503 and 529 without a Retry-After (a short one is waited out, a longer one moves on
 *                    whatever this says; default 0)
 * @param timeout     no answer within the first-byte timeout (default 0)
 */
public record SameTargetRetries(int serverError, int connection, int overloaded, int timeout) {

    public SameTargetRetries {
        List<String> problems = new ArrayList<>();
        notNegative(problems, "serverError", serverError);
        notNegative(problems, "connection", connection);
        notNegative(problems, "overloaded", overloaded);
        notNegative(problems, "timeout", timeout);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("bad same-target retries: " + String.join("; ", problems));
        }
    }

    /** One retry after a server error or a connection failure; none after an overload or a timeout. */
    public static SameTargetRetries defaults() {
        return new SameTargetRetries(1, 1, 0, 0);
    }

    /** No same-target retry for any kind (the stale pooled connection is still retried once). */
    public static SameTargetRetries none() {
        return new SameTargetRetries(0, 0, 0, 0);
    }

    /** The retries allowed after {@code outcome} on one target; 0 for outcomes without a kind. */
    int allowed(AttemptOutcome outcome) {
        return switch (outcome) {
            case SERVER_ERROR -> serverError;
            case CONNECT_FAILED, STALE_CONNECTION -> connection;
            case OVERLOADED -> overloaded;
            case TIMEOUT -> timeout;
            default -> 0;
        };
    }

    /** The kind's index for per-target counting, or -1 for outcomes without a kind. */
    static int kind(AttemptOutcome outcome) {
        return switch (outcome) {
            case SERVER_ERROR -> 0;
            case CONNECT_FAILED, STALE_CONNECTION -> 1;
            case OVERLOADED -> 2;
            case TIMEOUT -> 3;
            default -> -1;
        };
    }

    static final int KINDS = 4;

    private static void notNegative(List<String> problems, String name, int n) {
        if (n < 0) {
            problems.add(name + " must be >= 0, got " + n);
        }
    }
}
