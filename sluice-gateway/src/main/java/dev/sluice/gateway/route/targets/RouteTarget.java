package dev.sluice.gateway.route.targets;

import dev.sluice.gateway.route.Target;
import dev.sluice.gateway.route.health.TargetState;

/** A target as a route lists it (with that route's weight), and its shared state. */
public record RouteTarget(Target target, TargetState state) {

    public String id() {
        return target.id();
    }
}
