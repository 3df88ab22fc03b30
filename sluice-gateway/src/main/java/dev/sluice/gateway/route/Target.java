package dev.sluice.gateway.route;

import java.util.Objects;

/** An upstream model at a provider, with its weight in {@link Balance#WEIGHTED} routes and affinity. */
public record Target(String provider, String model, int weight) {

    public Target {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        if (provider.isBlank() || model.isBlank() || weight < 0) {
            throw new IllegalArgumentException("bad target: provider '" + provider + "', model '" + model + "', weight "
                    + weight + " (provider and model must not be blank, weight must be >= 0)");
        }
    }

    /** Weight 1. */
    public Target(String provider, String model) {
        this(provider, model, 1);
    }

    /** {@code provider/model}: the key of the breaker, in-flight count and stats of this target. */
    public String id() {
        return provider + "/" + model;
    }
}
