package dev.sluice.gateway.context;

import dev.sluice.core.Limiter;
import dev.sluice.core.MemoryMonitor;
import dev.sluice.core.ScopeRegistry;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.edge.ConnectionWatch;
import dev.sluice.gateway.exchange.CompletionListener;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.route.Router;
import dev.sluice.gateway.trace.Tracing;
import java.util.Map;

/**
 * What every handler shares: config, accounting, drain state, the providers and the router; {@code completions}
 * is told of every finished client request (access log, usage records, metrics); {@code timing} is the request
 * path's ticker and sleeper ({@link Timing#system()} in production); {@code tracing} makes the request's spans
 * ({@link Tracing#OFF} when tracing is off).
 */
public record GatewayContext(
        SluiceConfig config,
        ScopeRegistry scopes,
        Limiter limiter,
        MemoryMonitor memory,
        Drain drain,
        Map<String, ProviderEndpoint> providers,
        Router router,
        GatewayState state,
        CompletionListener completions,
        long startedAtMillis,
        ConnectionWatch edge,
        Timing timing,
        Tracing tracing) {

    /** The provider {@code name}: config validation has checked that every name a target or route uses is one. */
    public ProviderEndpoint provider(String name) {
        ProviderEndpoint p = providers.get(name);
        if (p == null) {
            throw new IllegalStateException("no provider named " + name);
        }
        return p;
    }
}
