package dev.sluice.gateway;

import dev.sluice.core.Lifecycle;
import dev.sluice.gateway.config.Secret;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamClient;
import dev.sluice.gateway.provider.UpstreamTimeouts;
import dev.sluice.gateway.route.Balance;
import dev.sluice.gateway.route.RouteSpec;
import dev.sluice.gateway.route.Router;
import dev.sluice.gateway.route.RoutingPolicy;
import dev.sluice.gateway.route.SameTargetRetries;
import dev.sluice.gateway.route.Target;
import dev.sluice.gateway.route.health.BreakerPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Starts one bounded client per configured provider and the router over them, each registered for closing. */
final class Upstreams {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private Upstreams() {}

    /**
     * The providers by name; {@code demoUrl}, when present, replaces the {@code default} provider's URL
     * (demo mode: the built-in fake provider) and gives it a key.
     */
    static Map<String, ProviderEndpoint> start(SluiceConfig config, Lifecycle lifecycle, Optional<URI> demoUrl)
            throws Exception {
        Map<String, ProviderEndpoint> out = new LinkedHashMap<>();
        for (SluiceConfig.Provider p : config.routing().providers().values()) {
            boolean demo = demoUrl.isPresent() && p.name().equals(SluiceConfig.Routing.DEFAULT_PROVIDER);
            URI url = demo ? demoUrl.get() : p.url();
            List<String> keys = demo
                    ? List.of("demo")
                    : p.apiKeys().stream().map(Secret::reveal).toList();
            UpstreamClient client = lifecycle.register(
                    "upstream-client",
                    p.name(),
                    UpstreamClient.start(
                            p.name(),
                            url,
                            p.maxConnections(),
                            p.maxQueuedRequests(),
                            config.timeouts().connect()));
            out.put(
                    p.name(),
                    new ProviderEndpoint(
                            p.name(),
                            p.kind(),
                            client,
                            p.apiVersion(),
                            keys,
                            new ProviderEndpoint.Serves(p.nativeResponses(), p.continuation(), p.realtime())));
        }
        return Map.copyOf(out);
    }

    /** The router over {@code providers}, probing open-breaker targets with a GET of the provider's model list. */
    static Router router(
            SluiceConfig.Routing r, Map<String, ProviderEndpoint> providers, Map<String, List<String>> keys) {
        Map<String, RouteSpec> routes = new LinkedHashMap<>();
        r.routes()
                .forEach((name, route) -> routes.put(
                        name,
                        new RouteSpec(
                                name,
                                route.targets().stream()
                                        .map(t -> new Target(t.provider(), t.model(), t.weight()))
                                        .toList(),
                                balance(route.balance()),
                                route.onContextLength().stream()
                                        .map(t -> new Target(t.provider(), t.model(), t.weight()))
                                        .toList())));
        var b = r.breaker();
        RoutingPolicy policy = new RoutingPolicy(
                r.maxAttempts(),
                r.retryRatio(),
                r.retryFloorPerSecond(),
                Duration.ofSeconds(10),
                r.maxRetryAfter(),
                r.keyCooldown(),
                new BreakerPolicy(
                        (float) (b.failureRate() * 100), b.window(), b.minCalls(), b.openFor(), b.halfOpenCalls()),
                r.probeMin(),
                r.probeMax(),
                new SameTargetRetries(
                        r.sameTargetRetries().serverError(),
                        r.sameTargetRetries().connection(),
                        r.sameTargetRetries().overloaded(),
                        r.sameTargetRetries().timeout()));
        Optional<String> defaultProvider = Optional.of(r.defaultProvider()).filter(s -> !s.isEmpty());
        return new Router(routes, defaultProvider, keys, policy, target -> probe(providers.get(target.provider())));
    }

    /** Provider keys by provider name, as the router rotates them. */
    static Map<String, List<String>> keys(SluiceConfig config, boolean demo) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        config.routing()
                .providers()
                .values()
                .forEach(p -> keys.put(
                        p.name(),
                        demo && p.name().equals(SluiceConfig.Routing.DEFAULT_PROVIDER)
                                ? List.of("demo")
                                : p.apiKeys().stream().map(Secret::reveal).toList()));
        return keys;
    }

    /** Healthy when the provider answers its model list with anything below 500 (401 still means it is up). */
    static boolean probe(@Nullable ProviderEndpoint p) {
        if (p == null) {
            return false;
        }
        try (UpstreamCall call = p.client()
                .send(
                        "GET",
                        p.modelsPath(),
                        p.authHeaders(p.firstKey()),
                        new byte[0],
                        new UpstreamTimeouts(PROBE_TIMEOUT, PROBE_TIMEOUT, PROBE_TIMEOUT))) {
            return call.awaitHead(PROBE_TIMEOUT).status() < 500;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private static Balance balance(SluiceConfig.Balance b) {
        return switch (b) {
            case FALLBACK -> Balance.FALLBACK;
            case WEIGHTED -> Balance.WEIGHTED;
            case LEAST_IN_FLIGHT -> Balance.LEAST_IN_FLIGHT;
        };
    }
}
