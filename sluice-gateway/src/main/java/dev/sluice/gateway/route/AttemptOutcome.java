package dev.sluice.gateway.route;

/** What one upstream attempt ended with, as the caller classified it. */
public enum AttemptOutcome {
    /** An answer (2xx) whose first byte reached the gateway. */
    SUCCESS,
    /** 4xx other than 429, context length and content filter: passed through, never retried. */
    CLIENT_ERROR,
    /** 429, with or without Retry-After: the key cools down; not a breaker failure. */
    RATE_LIMITED,
    /** 503 or 529, with or without Retry-After: a breaker failure. */
    OVERLOADED,
    /** 500, 502 and other 5xx: a breaker failure; moves to the next target. */
    SERVER_ERROR,
    /**
     * A stream that broke (cut, stalled, an in-band error) after content reached the client: a breaker
     * failure; the next target continues the answer, never the same one.
     */
    BROKE_MID_STREAM,
    /** Connection refused or reset before the request was sent: a breaker failure. */
    CONNECT_FAILED,
    /** No first byte within the first-byte timeout: a breaker failure. */
    TIMEOUT,
    /** A pooled connection the upstream had closed, before any response byte: retried once, free. */
    STALE_CONNECTION,
    /** The prompt is too long for the model: passed through, never retried. */
    CONTEXT_LENGTH,
    /** The upstream's content filter refused: passed through, never retried. */
    CONTENT_FILTER,
    /**
     * The target cannot serve this kind of request at all (embeddings to an Anthropic target), known before
     * any upstream call: the next target is tried; neither success nor failure for the breaker.
     */
    UNSUPPORTED,
    /** The client went away or the gateway stopped the attempt: neither success nor failure. */
    CANCELLED;

    /**
     * Whether the upstream shed the request or did not answer in time (rate limited, overloaded, a timeout):
     * a request that ends on it is a drop, which an adaptive admission limit backs off on.
     */
    public boolean drop() {
        return switch (this) {
            case RATE_LIMITED, OVERLOADED, TIMEOUT -> true;
            case SUCCESS,
                    CLIENT_ERROR,
                    SERVER_ERROR,
                    BROKE_MID_STREAM,
                    CONNECT_FAILED,
                    STALE_CONNECTION,
                    CONTEXT_LENGTH,
                    CONTENT_FILTER,
                    UNSUPPORTED,
                    CANCELLED -> false;
        };
    }
}
