package dev.sluice.gateway.route;

/** How a route picks the first target; the others always follow in listed order as fallbacks. */
public enum Balance {
    /** Targets strictly in listed order. */
    FALLBACK,
    /** The first target at random by weight among all available targets. */
    WEIGHTED,
    /** The first target is the one with the fewest attempts in flight; ties go to list order. */
    LEAST_IN_FLIGHT
}
