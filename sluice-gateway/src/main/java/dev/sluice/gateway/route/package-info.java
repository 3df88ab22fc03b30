/**
 * Routing: which upstream target a request goes to, in what order, and whether a failed attempt
 * is retried, moved on or given up. No HTTP here: the request path asks {@link
 * dev.sluice.gateway.route.Router#plan} for a {@link dev.sluice.gateway.route.Plan}, takes {@link
 * dev.sluice.gateway.route.Attempt}s from it one at a time, and reports each attempt's {@link
 * dev.sluice.gateway.route.AttemptOutcome}.
 *
 * <p>Per provider: API keys rotated round-robin with a cooldown after 429 ({@code KeyRing}). The health of
 * each target (circuit breaker, in-flight count, health probes) and the gateway's one retry budget live in
 * {@code route.health}, which this package uses and which knows nothing of it. A route's targets as the router
 * keeps them (their states, their order, a plan's place among them) live in {@code route.targets}, which sees
 * of this package only {@code Target} and {@code Balance}.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.route;

import org.jspecify.annotations.NullMarked;
