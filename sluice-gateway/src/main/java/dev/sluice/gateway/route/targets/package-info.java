/**
 * A route's targets as the router holds them: each with its shared state ({@link
 * dev.sluice.gateway.route.targets.RouteTarget}, kept by {@link dev.sluice.gateway.route.targets.TargetStates}
 * with its cap on unknown models), their attempt order ({@link dev.sluice.gateway.route.targets.Ordering}: the
 * route's balance and session affinity), and a plan's place among them ({@link
 * dev.sluice.gateway.route.targets.TargetCursor}: breaker permissions, the context-length targets), and why
 * they are unavailable ({@link dev.sluice.gateway.route.targets.Unavailable}).
 *
 * <p>Of {@code route} it knows only the vocabulary types {@code Target} and {@code Balance}: plans, attempts
 * and the retry decision stay there.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.route.targets;

import org.jspecify.annotations.NullMarked;
