package dev.sluice.gateway.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A client-facing model name or alias and its ordered targets. */
public record RouteSpec(String name, List<Target> targets, Balance balance) {

    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(balance, "balance");
        targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
        List<String> problems = new ArrayList<>();
        if (name.isBlank()) {
            problems.add("name must not be blank");
        }
        if (targets.isEmpty()) {
            problems.add("targets must not be empty");
        }
        if (targets.stream().map(Target::id).distinct().count() != targets.size()) {
            problems.add("targets must not repeat: "
                    + targets.stream().map(Target::id).toList());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("route '" + name + "': " + String.join("; ", problems));
        }
    }
}
