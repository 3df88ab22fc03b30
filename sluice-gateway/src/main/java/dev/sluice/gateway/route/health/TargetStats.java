package dev.sluice.gateway.route.health;

/**
 * One target as seen by the router.
 *
 * @param breakerState CLOSED, OPEN, HALF_OPEN (or FORCED_OPEN, DISABLED, METRICS_ONLY if forced)
 * @param failureRate  percent failed in the breaker's window; -1 until it holds the minimum calls
 * @param retries      attempts that retried this target after it failed
 * @param fallbacks    attempts that came to this target after another one failed
 * @param probes       health probes run while the breaker was open
 */
public record TargetStats(
        String id,
        String breakerState,
        float failureRate,
        int inFlight,
        long attempts,
        long failures,
        long retries,
        long fallbacks,
        long rateLimited,
        long probes) {}
