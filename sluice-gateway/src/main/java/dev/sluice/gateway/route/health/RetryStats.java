package dev.sluice.gateway.route.health;

/**
 * The gateway's retry budget: totals since start, and what the sliding window holds now.
 *
 * @param inbound        requests that got a non-empty plan
 * @param retriesGranted retries and fallbacks that took a token
 * @param retriesDenied  retries and fallbacks refused because the budget was spent
 */
public record RetryStats(
        long inbound, long retriesGranted, long retriesDenied, long windowInbound, long windowRetries) {}
