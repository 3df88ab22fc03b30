package dev.sluice.gateway.route.targets;

import dev.sluice.gateway.route.health.TargetState;
import java.util.ArrayList;
import java.util.List;

/**
 * A plan's targets in attempt order and the one it is at: which target's breaker grants the next call,
 * whether a later one still could, the route's context-length targets not tried yet, and why the rest are
 * unavailable. Not thread-safe: the plan's request thread uses it.
 */
public final class TargetCursor {

    private List<RouteTarget> order; // attempt order; once switched: the untried context-length targets
    private final List<RouteTarget> onContextLength;
    private int cursor;

    public TargetCursor(List<RouteTarget> order, List<RouteTarget> onContextLength) {
        this.order = order;
        this.onContextLength = onContextLength;
    }

    public boolean isEmpty() {
        return order.isEmpty();
    }

    public int size() {
        return order.size();
    }

    /** The index of the target the plan is at. */
    public int at() {
        return cursor;
    }

    public RouteTarget get(int index) {
        return order.get(index);
    }

    /**
     * The plan's next attempt goes to {@code index}: counted on that target as an attempt and, unless it is
     * the plan's {@code first}, as a retry when the plan is at it already, else as a fallback. Returns
     * whether it is a fallback.
     */
    public boolean moveTo(int index, boolean first) {
        TargetState s = order.get(index).state();
        s.countAttempt();
        boolean fallback = false;
        if (!first) {
            if (index == cursor) {
                s.countRetry();
            } else {
                s.countFallback();
                fallback = true;
            }
        }
        cursor = index;
        return fallback;
    }

    /** The first target from {@code from} on whose breaker grants a permission, or -1. */
    public int acquireFrom(int from) {
        for (int i = from; i < order.size(); i++) {
            if (order.get(i).state().breaker().tryAcquirePermission()) {
                return i;
            }
        }
        return -1;
    }

    /** Whether a target after the current one has a breaker that lets calls through. */
    public boolean laterAvailable() {
        for (int i = cursor + 1; i < order.size(); i++) {
            if (order.get(i).state().available()) {
                return true;
            }
        }
        return false;
    }

    /** The route's context-length targets whose ids are not in {@code tried}, in their order. */
    public List<RouteTarget> untriedContextTargets(List<String> tried) {
        List<RouteTarget> left = new ArrayList<>(onContextLength.size());
        for (RouteTarget rt : onContextLength) {
            if (!tried.contains(rt.id())) {
                left.add(rt);
            }
        }
        return left;
    }

    /**
     * Moves the plan to the first of the route's context-length targets not in {@code tried} whose breaker
     * permits a call, and returns its index: from then on the plan goes on among those targets only (the
     * route's others answered, or would answer, that the prompt is too long). -1 when none permits one.
     */
    public int toContextTarget(List<String> tried) {
        List<RouteTarget> wider = untriedContextTargets(tried);
        for (int i = 0; i < wider.size(); i++) {
            if (wider.get(i).state().breaker().tryAcquirePermission()) {
                order = wider;
                cursor = -1; // a move, not a retry: the attempt on it counts as a fallback
                return i;
            }
        }
        return -1;
    }

    /** Why the targets from {@code from} on are unavailable. */
    public String unavailableAfter(int from) {
        return Unavailable.circuits(order, from);
    }
}
