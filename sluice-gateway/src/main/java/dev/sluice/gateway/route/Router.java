package dev.sluice.gateway.route;

import dev.sluice.core.Backoff;
import dev.sluice.core.LeakSource;
import dev.sluice.gateway.route.health.Probes;
import dev.sluice.gateway.route.health.RetryBudget;
import dev.sluice.gateway.route.health.RetryStats;
import dev.sluice.gateway.route.health.TargetState;
import dev.sluice.gateway.route.health.TargetStats;
import dev.sluice.gateway.route.targets.Ordering;
import dev.sluice.gateway.route.targets.RouteTarget;
import dev.sluice.gateway.route.targets.TargetStates;
import dev.sluice.gateway.route.targets.Unavailable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Turns a requested model into a {@link Plan}. Thread-safe; one per gateway. Holds per target a
 * circuit breaker and in-flight count, per provider its keys, and the gateway's retry budget; all
 * bounded by the configuration, except unknown models sent to the default provider, whose states
 * are capped at {@value TargetStates#MAX_DYNAMIC_TARGETS} (beyond that they share one state per provider).
 * {@link #close()} stops the health probes.
 */
public final class Router implements AutoCloseable, LeakSource {

    private final Map<String, RouteSpec> routes;
    private final Map<String, List<RouteTarget>> routeTargets;
    private final Map<String, List<RouteTarget>> contextTargets; // routes.<name>.on-context-length
    /** The route for every model that has no route of its own (Claude Code's default model changes often). */
    public static final String CATCH_ALL = "*";

    private final Optional<String> defaultProvider;
    private final RouterEnv env;
    private final RoutingPolicy policy;
    private final PlanContext ctx;
    private final Probes probes;
    private final Function<Target, Boolean> probe; // null: no probes
    private final TargetStates states;

    public Router(
            Map<String, RouteSpec> routes,
            Optional<String> defaultProvider,
            Map<String, List<String>> providerKeys,
            RoutingPolicy policy,
            Function<Target, Boolean> probe) {
        this(routes, defaultProvider, providerKeys, policy, probe, RouterEnv.system());
    }

    Router(
            Map<String, RouteSpec> routes,
            Optional<String> defaultProvider,
            Map<String, List<String>> providerKeys,
            RoutingPolicy policy,
            Function<Target, Boolean> probe,
            RouterEnv env) {
        this.routes = Map.copyOf(Objects.requireNonNull(routes, "routes"));
        this.defaultProvider = Objects.requireNonNull(defaultProvider, "defaultProvider");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.env = Objects.requireNonNull(env, "env");
        validate(this.routes, providerKeys);
        this.probe = probe;
        this.probes = probe == null
                ? Probes.NONE
                : Probes.withBackoff(
                        new Backoff(policy.probeMin(), policy.probeMax()),
                        env.random(),
                        env.probeScheduler().get());
        Map<String, KeyRing> rings = new LinkedHashMap<>();
        providerKeys.forEach((provider, keys) -> rings.put(provider, new KeyRing(keys, env.clock())));
        this.ctx = new PlanContext(
                policy,
                RetryBudget.of(policy.retryRatio(), policy.retryFloorPerSecond(), policy.retryWindow(), env.clock()),
                Map.copyOf(rings),
                new KeyRing(List.of(), env.clock()),
                env.clock());
        this.states = new TargetStates(this::newState);
        Map<String, List<RouteTarget>> byName = new LinkedHashMap<>();
        Map<String, List<RouteTarget>> wider = new LinkedHashMap<>();
        this.routes.forEach((name, spec) -> {
            byName.put(name, states.routeTargets(spec.targets()));
            wider.put(name, states.routeTargets(spec.onContextLength()));
        });
        this.routeTargets = Map.copyOf(byName);
        this.contextTargets = Map.copyOf(wider);
    }

    private static void validate(Map<String, RouteSpec> routes, Map<String, List<String>> providerKeys) {
        Objects.requireNonNull(providerKeys, "providerKeys");
        List<String> problems = new ArrayList<>();
        routes.forEach((name, spec) -> {
            if (spec == null) {
                problems.add("routes." + name + " is null");
            }
        });
        providerKeys.forEach((provider, keys) -> {
            if (keys == null || keys.stream().anyMatch(k -> k == null || k.isBlank())) {
                problems.add("providerKeys." + provider + " must be a list of non-blank keys");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("bad routing config: " + String.join("; ", problems));
        }
    }

    private TargetState newState(Target t) {
        BooleanSupplier healthy = probe == null ? () -> false : () -> Boolean.TRUE.equals(probe.apply(t));
        return TargetState.of(t.id(), healthy, policy.breaker(), env.clock(), probes);
    }

    /**
     * The plan for one request. A route's targets whose breaker is open are left out; when all
     * are, the plan is empty and {@link Plan#reason()} names them and when they reopen. An unknown
     * model goes to the route named {@value #CATCH_ALL} if there is one, else to the default provider,
     * if there is one, as a single target.
     */
    public Plan plan(String requestedModel, Optional<String> sessionKey) {
        Objects.requireNonNull(requestedModel, "requestedModel");
        Objects.requireNonNull(sessionKey, "sessionKey");
        String route = routeTargets.containsKey(requestedModel) ? requestedModel : CATCH_ALL;
        List<RouteTarget> targets = routeTargets.get(route);
        List<RouteTarget> onContextLength = contextTargets.getOrDefault(route, List.of());
        RouteSpec spec = routes.get(route);
        Balance balance = targets == null || spec == null ? Balance.FALLBACK : spec.balance();
        if (targets == null) {
            if (defaultProvider.isEmpty()) {
                return new Plan(
                        ctx, List.of(), List.of(), Plan.Empty.NO_ROUTE, "no route for model " + requestedModel, null);
            }
            Target t = new Target(defaultProvider.get(), requestedModel.isBlank() ? "?" : requestedModel);
            targets = List.of(new RouteTarget(t, states.dynamicState(t)));
        }
        List<RouteTarget> available = new ArrayList<>(targets.size());
        for (RouteTarget rt : targets) {
            if (rt.state().available()) {
                available.add(rt);
            }
        }
        if (available.isEmpty()) {
            return new Plan(
                    ctx,
                    List.of(),
                    List.of(),
                    Plan.Empty.ALL_BREAKERS_OPEN,
                    Unavailable.allOpen(targets),
                    Unavailable.untilFirstReopens(targets, env.clock().millis()));
        }
        ctx.budget().recordInbound();
        return new Plan(
                ctx, Ordering.order(available, balance, sessionKey, env.random()), onContextLength, null, "", null);
    }

    /** Every target the router knows, by id, configured ones first. */
    public Map<String, TargetStats> stats() {
        return states.stats();
    }

    public RetryStats retryStats() {
        return ctx.budget().stats();
    }

    /** The policy the router runs with. */
    public RoutingPolicy policy() {
        return policy;
    }

    /** Stops the health probes (interrupting a running one) and waits for the probe thread. Idempotent. */
    @Override
    public void close() {
        probes.close();
    }

    @Override
    public String leakSourceName() {
        return "router";
    }

    /** Targets with attempts in flight; empty when the request path released everything. */
    @Override
    public List<String> leaks() {
        return states.leaks();
    }

    @Nullable
    TargetState state(String targetId) {
        return states.state(targetId);
    }
}
