/**
 * What each target's health is, for the router: per target its {@link
 * dev.sluice.gateway.route.health.TargetState} (a Resilience4j circuit breaker built from a {@link
 * dev.sluice.gateway.route.health.BreakerPolicy}, the attempts in flight, the counts behind {@link
 * dev.sluice.gateway.route.health.TargetStats}) and, while the breaker is open, a health probe with capped
 * exponential backoff ({@link dev.sluice.gateway.route.health.Probes} on a {@link
 * dev.sluice.gateway.route.health.ProbeScheduler}); per gateway the {@link
 * dev.sluice.gateway.route.health.RetryBudget} (retries at most a ratio of inbound requests over a sliding
 * window, plus a small floor) and its {@link dev.sluice.gateway.route.health.RetryStats}.
 *
 * <p>Knows nothing of routes, plans or attempts: a target is its id and a probe that says whether it is
 * healthy; {@code route} decides what counts as a breaker failure. No HTTP.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.route.health;

import org.jspecify.annotations.NullMarked;
