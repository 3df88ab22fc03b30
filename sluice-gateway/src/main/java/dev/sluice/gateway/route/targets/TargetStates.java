package dev.sluice.gateway.route.targets;

import dev.sluice.gateway.route.Target;
import dev.sluice.gateway.route.health.TargetState;
import dev.sluice.gateway.route.health.TargetStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The state of every target a router knows, by id: one per configured target, shared by every route that
 * lists it, and for unknown models sent to the default provider at most {@value #MAX_DYNAMIC_TARGETS} more
 * (beyond that they share one state per provider). Thread-safe.
 */
public final class TargetStates {

    public static final int MAX_DYNAMIC_TARGETS = 256;

    private final Function<Target, TargetState> newState;
    private final Map<String, TargetState> states = new ConcurrentHashMap<>();
    private final Map<String, TargetState> dynamic =
            new ConcurrentHashMap<>(); // bounded: MAX_DYNAMIC_TARGETS + overflow

    /** {@code newState} makes the state of a target seen for the first time. */
    public TargetStates(Function<Target, TargetState> newState) {
        this.newState = newState;
    }

    /** The targets with their states; a target listed by several routes (or twice in one) shares one state. */
    public List<RouteTarget> routeTargets(List<Target> targets) {
        return targets.stream()
                .map(t -> new RouteTarget(t, states.computeIfAbsent(t.id(), id -> newState.apply(t))))
                .toList();
    }

    /** The state of a target no route lists (an unknown model at the default provider). */
    public TargetState dynamicState(Target t) {
        TargetState known = states.get(t.id());
        if (known != null) {
            return known;
        }
        TargetState s = dynamic.get(t.id());
        if (s != null) {
            return s;
        }
        if (dynamic.size() < MAX_DYNAMIC_TARGETS) {
            return dynamic.computeIfAbsent(t.id(), id -> newState.apply(t));
        }
        Target overflow = new Target(t.provider(), "*");
        return dynamic.computeIfAbsent(
                overflow.id(), id -> newState.apply(overflow)); // at most one per default provider
    }

    /** Every target known, by id, configured ones first. */
    public Map<String, TargetStats> stats() {
        Map<String, TargetStats> out = new LinkedHashMap<>();
        states.values().forEach(s -> out.put(s.id(), s.stats()));
        dynamic.values().forEach(s -> out.put(s.id(), s.stats()));
        return out;
    }

    /** Targets with attempts in flight; empty when the request path released everything. */
    public List<String> leaks() {
        List<String> leaks = new ArrayList<>();
        states.values().forEach(s -> addLeak(leaks, s));
        dynamic.values().forEach(s -> addLeak(leaks, s));
        return leaks;
    }

    private static void addLeak(List<String> leaks, TargetState s) {
        int n = s.inFlight();
        if (n != 0) {
            leaks.add("target " + s.id() + " inFlight=" + n + " (expected 0)");
        }
    }

    public @Nullable TargetState state(String targetId) {
        TargetState s = states.get(targetId);
        return s != null ? s : dynamic.get(targetId);
    }
}
