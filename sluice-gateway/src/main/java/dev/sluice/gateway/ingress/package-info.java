/**
 * The client-facing routes' own work, over the edge ({@code proxy}) that every route crosses:
 * {@code ClientRoutes} gives the edge each route's checks and work through {@code proxy.RouteWork};
 * the body rules per route ({@code RouteChecks}, {@code FieldRules}, {@code EmbeddingsChecks},
 * {@code RequestLimits}) and the small handlers that are no generation ({@code CountTokens},
 * {@code Models}, {@code StoredResponses}). Generations go to {@code relay}. Public: only {@code ClientRoutes},
 * which the composition root registers.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.ingress;

import org.jspecify.annotations.NullMarked;
