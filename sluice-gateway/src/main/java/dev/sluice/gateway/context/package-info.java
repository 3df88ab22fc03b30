/**
 * What every handler shares, on the client routes ({@code proxy}) and the system routes ({@code system}) alike:
 * the gateway's context and state ({@code GatewayContext}, {@code GatewayState}), the shutdown phase
 * ({@code Drain}), the request path's time ({@code Timing}), errors answered in the caller's dialect
 * ({@code GatewayException}, {@code ClientErrors}, {@code UpstreamHeaders}) and the reading of request bodies
 * ({@code RequestChecks}, {@code JsonBodies}, {@code Json}, {@code Sanitize}). Depends on no handler package.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.context;

import org.jspecify.annotations.NullMarked;
