package dev.sluice.gateway.relay;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.GatewayException;

/** How one upstream attempt ended for the request: answered (no more attempts), or failed before the first byte. */
sealed interface AttemptResult {

    /** The client got an answer (or its stream ended, however it ended): the request's outcome. */
    record Answered(Outcome outcome) implements AttemptResult {}

    /** Nothing reached the client; another attempt may still be made. {@code failure} is the caller's error if none is. */
    record FailedBeforeFirstByte(GatewayException failure) implements AttemptResult {}

    /**
     * A stream broke after text reached the client, where the next attempt may continue it; {@code failure}
     * is what ended it, for the caller if no attempt follows.
     */
    record Broken(GatewayException failure) implements AttemptResult {}
}
