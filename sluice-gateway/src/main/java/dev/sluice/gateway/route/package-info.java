/**
 * Routing: which upstream target a request goes to, in what order, and whether a failed attempt
 * is retried, moved on or given up. No HTTP here: the request path asks {@link
 * dev.sluice.gateway.route.Router#plan} for a {@link dev.sluice.gateway.route.Plan}, takes {@link
 * dev.sluice.gateway.route.Attempt}s from it one at a time, and reports each attempt's {@link
 * dev.sluice.gateway.route.AttemptOutcome}.
 *
 * <p>Per target: a Resilience4j circuit breaker, an in-flight count, and (when the caller supplies
 * one) a health probe that runs with capped exponential backoff while the breaker is open. Per
 * provider: API keys rotated round-robin with a cooldown after 429. Per gateway: one retry budget
 * (retries at most a ratio of inbound requests over a sliding window, plus a small floor).
 */
package dev.sluice.gateway.route;
