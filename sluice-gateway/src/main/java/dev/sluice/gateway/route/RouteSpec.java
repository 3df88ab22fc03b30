package dev.sluice.gateway.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client-facing model name or alias, its ordered targets, and the targets to switch to when one answers
 * that the prompt is too long for it ({@code onContextLength}, tried in order; may be empty).
 */
public record RouteSpec(String name, List<Target> targets, Balance balance, List<Target> onContextLength) {

    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(balance, "balance");
        targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
        onContextLength = List.copyOf(Objects.requireNonNull(onContextLength, "onContextLength"));
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
        if (onContextLength.stream().map(Target::id).distinct().count() != onContextLength.size()) {
            problems.add("onContextLength must not repeat: "
                    + onContextLength.stream().map(Target::id).toList());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("route '" + name + "': " + String.join("; ", problems));
        }
    }

    /** Without context-length targets. */
    public RouteSpec(String name, List<Target> targets, Balance balance) {
        this(name, targets, balance, List.of());
    }
}
