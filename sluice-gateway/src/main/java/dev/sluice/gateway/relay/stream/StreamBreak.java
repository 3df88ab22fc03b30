package dev.sluice.gateway.relay.stream;

import dev.sluice.gateway.provider.SseReader;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import org.jspecify.annotations.Nullable;

/**
 * A stream that failed, as the relay saw it; the caller continues the answer on another target or ends the
 * stream with an in-band error made of it.
 *
 * @param type the Anthropic error type for the client's in-band error
 * @param message what went wrong, in plain words
 * @param ownError the upstream's own in-band error, translated, to send instead of one made of type and message
 * @param beforeContent none of this attempt's frames reached the client
 * @param timeout a deadline ended it (first token, idle): the breaker counts a timeout
 * @param last no other attempt may follow (Sluice is draining)
 */
public record StreamBreak(
        String type, String message, @Nullable String ownError, boolean beforeContent, boolean timeout, boolean last) {

    /** A deadline passed: a timeout that another attempt may follow. */
    static StreamBreak deadline(String message, boolean beforeContent) {
        return new StreamBreak("timeout_error", message, null, beforeContent, true, false);
    }

    /** The upstream body ended before the answer was whole: cleanly ({@code failure} null) or by a failure. */
    static StreamBreak ended(@Nullable Throwable failure, boolean beforeContent) {
        boolean timedOut = timedOut(failure);
        return new StreamBreak(
                timedOut ? "timeout_error" : "api_error", endMessage(failure), null, beforeContent, timedOut, false);
    }

    /** Whether the upstream body ended because the exchange outlived timeouts.total or went idle too long. */
    private static boolean timedOut(@Nullable Throwable failure) {
        if (failure == null) {
            return false;
        }
        UpstreamFailure.Kind kind = UpstreamCall.classify(failure).kind();
        return kind == UpstreamFailure.Kind.TOTAL_TIMEOUT || kind == UpstreamFailure.Kind.IDLE_TIMEOUT;
    }

    private static String endMessage(@Nullable Throwable failure) {
        if (failure == null) {
            return "upstream stream ended before the answer was complete (no end marker)";
        }
        if (failure instanceof SseReader.EventTooLargeException tooLarge) {
            return tooLarge.getMessage();
        }
        return UpstreamCall.classify(failure).getMessage();
    }
}
