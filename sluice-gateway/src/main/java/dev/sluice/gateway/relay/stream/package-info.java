/**
 * One streamed answer's way to the client: the relay loop over an upstream stream ({@code StreamRelay}) , which reads
 * the upstream's frames on the same thread ({@code UpstreamEvents}), the frames held back before content and written
 * after it ({@code ClientFrames}), the client's side of the stream across attempts ({@code ClientStream}),
 * and a failed stream ({@code StreamBreak}). {@code relay.StreamAnswer} drives it per attempt.
 */
@NullMarked
package dev.sluice.gateway.relay.stream;

import org.jspecify.annotations.NullMarked;
