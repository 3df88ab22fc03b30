package dev.sluice.gateway.route;

import dev.sluice.gateway.route.health.TargetState;

/** A target as a route lists it (with that route's weight), and its shared state. */
record RouteTarget(Target target, TargetState state) {

    String id() {
        return target.id();
    }
}
