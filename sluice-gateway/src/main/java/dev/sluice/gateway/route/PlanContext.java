package dev.sluice.gateway.route;

import dev.sluice.gateway.route.health.RetryBudget;
import java.time.Clock;
import java.util.Map;

/** What every plan of one router shares. */
record PlanContext(
        RoutingPolicy policy, RetryBudget budget, Map<String, KeyRing> keyRings, KeyRing noKeys, Clock clock) {

    KeyRing keys(String provider) {
        return keyRings.getOrDefault(provider, noKeys);
    }
}
