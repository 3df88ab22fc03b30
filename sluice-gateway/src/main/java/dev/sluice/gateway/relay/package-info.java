/**
 * A generation's way upstream and back, for an admitted request of the edge ({@code proxy}): the pipeline
 * ({@code Generation}: key policy, session, stored responses, cache), the attempts on the router's plan under
 * the request's deadline ({@code Attempts}, {@code UpstreamAttempt}, {@code UpstreamSend}), and the answer,
 * whole ({@code WholeAnswer}, checked by {@code WholeAnswers}) or streamed ({@code StreamAnswer},
 * over {@code relay.stream}); {@code Outcomes} turns upstream failures into the router's outcome and the caller's
 * error. Public: {@code Generation} (the work of the generation routes), {@code Outcomes.error} and
 * {@code WholeAnswers.MAX_RESPONSE_BYTES} (also used by the small ingress handlers that call an upstream).
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.relay;

import org.jspecify.annotations.NullMarked;
