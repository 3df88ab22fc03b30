package dev.sluice.gateway.route.targets;

import dev.sluice.gateway.route.health.TargetState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Why a route's targets are unavailable, for a plan's reason (the state of each circuit and until when it
 * is open), and when the first of them may let calls through again, for the client's Retry-After.
 */
public final class Unavailable {

    private Unavailable() {}

    /** The reason of a plan none of whose targets is available: each circuit open, and until when. */
    public static String allOpen(List<RouteTarget> targets) {
        List<String> parts = new ArrayList<>();
        for (RouteTarget rt : targets) {
            TargetState s = rt.state();
            parts.add(s.isOpen() ? s.id() + " until " + s.openUntil() : s.id() + " (forced open)");
        }
        return "all targets unavailable: circuit open for " + String.join(", ", parts);
    }

    /** How long from {@code now} (epoch millis) until the first open circuit ends; null when none is open. */
    public static @Nullable Duration untilFirstReopens(List<RouteTarget> targets, long now) {
        long first = Long.MAX_VALUE;
        for (RouteTarget rt : targets) {
            if (rt.state().isOpen()) {
                first = Math.min(first, rt.state().openUntilMillis());
            }
        }
        return first == Long.MAX_VALUE ? null : Duration.ofMillis(Math.max(0, first - now));
    }

    /** The breaker state of each of {@code targets} from {@code from} on, and until when it is open. */
    public static String circuits(List<RouteTarget> targets, int from) {
        List<String> parts = new ArrayList<>();
        for (int i = from; i < targets.size(); i++) {
            TargetState s = targets.get(i).state();
            parts.add("circuit "
                    + s.breaker().getState().name().toLowerCase(Locale.ROOT).replace('_', '-') + " for " + s.id()
                    + (s.isOpen() ? " until " + s.openUntil() : " (trial calls in progress)"));
        }
        return String.join(", ", parts);
    }
}
