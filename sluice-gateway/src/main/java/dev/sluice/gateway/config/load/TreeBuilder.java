package dev.sluice.gateway.config.load;

import dev.sluice.gateway.config.Secret;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.value.ValueType;
import dev.sluice.gateway.config.load.value.ValueType.DemoMode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the {@link SluiceConfig} tree from every key's parsed value (the resolver has parsed and checked
 * them); the routing resolver adds the providers and routes.
 */
final class TreeBuilder {
    private final Map<String, Object> values;
    private final Function<String, String> source;

    /** {@code source} names where a key's effective setting came from ({@link Resolver#DEFAULT_SOURCE} if none). */
    TreeBuilder(Map<String, Object> values, Function<String, String> source) {
        this.values = values;
        this.source = source;
    }

    /** The tree; throws {@link IllegalStateException} when a key it reads has no parsed value. */
    @SuppressWarnings("unchecked")
    SluiceConfig build(RoutingResolver routingResolver) {
        Secret apiKey = get("upstream.api-key");
        DemoMode mode = get("demo.mode");
        boolean urlSet = !source("upstream.url").equals(Resolver.DEFAULT_SOURCE);
        boolean upstreamSet =
                urlSet || !apiKey.isEmpty() || !source("upstream.kind").equals(Resolver.DEFAULT_SOURCE);
        boolean demo =
                mode == DemoMode.ON || (mode == DemoMode.AUTO && !upstreamSet && !routingResolver.hasProviders());
        SluiceConfig.Upstream upstream = new SluiceConfig.Upstream(
                get("upstream.kind"),
                this.<URI>get("upstream.url"),
                apiKey,
                this.<Integer>get("upstream.max-connections"),
                this.<Integer>get("upstream.max-queued-requests"));
        var providers = routingResolver.providers(upstream, demo || upstreamSet || !routingResolver.hasProviders());
        var routing = new SluiceConfig.Routing(
                providers,
                routingResolver.routes(providers),
                routingResolver.defaultProvider(get("routing.default-provider"), providers),
                this.<Integer>get("routing.max-attempts"),
                this.<Double>get("routing.retry-ratio"),
                this.<Integer>get("routing.retry-floor"),
                this.<Duration>get("routing.max-retry-after"),
                this.<Duration>get("routing.key-cooldown"),
                new SluiceConfig.Breaker(
                        this.<Double>get("routing.breaker.failure-rate"),
                        this.<Integer>get("routing.breaker.window"),
                        this.<Integer>get("routing.breaker.min-calls"),
                        this.<Duration>get("routing.breaker.open-for"),
                        this.<Integer>get("routing.breaker.half-open-calls")),
                this.<Duration>get("routing.probe-min"),
                this.<Duration>get("routing.probe-max"),
                new SluiceConfig.SameTargetRetries(
                        this.<Integer>get("routing.same-target-retries.server-error"),
                        this.<Integer>get("routing.same-target-retries.connection"),
                        this.<Integer>get("routing.same-target-retries.overloaded"),
                        this.<Integer>get("routing.same-target-retries.timeout")));
        return new SluiceConfig(
                new SluiceConfig.Server(
                        get("server.host"),
                        this.<Integer>get("server.port"),
                        this.<Long>get("server.max-body-size"),
                        this.<Integer>get("server.max-header-size"),
                        this.<Integer>get("server.max-request-line"),
                        this.<Integer>get("server.max-connections"),
                        this.<Duration>get("server.idle-timeout"),
                        this.<Duration>get("server.header-timeout"),
                        this.<Duration>get("server.body-timeout"),
                        this.<Long>get("server.min-upload-rate")),
                new SluiceConfig.Admission(
                        this.<Integer>get("admission.max-in-flight"),
                        get("admission.limit-algorithm"),
                        this.<Integer>get("admission.min-in-flight"),
                        this.<Integer>get("admission.queue-size"),
                        this.<Duration>get("admission.queue-timeout"),
                        this.<Double>get("admission.interactive-reserve")),
                new SluiceConfig.Memory(
                        this.<Double>get("memory.shed-above"),
                        this.<Double>get("memory.admit-below"),
                        this.<Double>get("memory.warn-above"),
                        this.<Duration>get("memory.refresh-interval"),
                        get("memory.heap-dump-dir"),
                        this.<Duration>get("memory.health-log-interval")),
                upstream,
                new SluiceConfig.Timeouts(
                        this.<Duration>get("timeouts.connect"),
                        this.<Duration>get("timeouts.first-byte"),
                        this.<Duration>get("timeouts.first-token"),
                        this.<Duration>get("timeouts.idle"),
                        this.<Duration>get("timeouts.total")),
                new SluiceConfig.Stream(
                        this.<Duration>get("stream.heartbeat-interval"),
                        this.<Boolean>get("stream.continuation"),
                        this.<Boolean>get("stream.skip-malformed-events")),
                new SluiceConfig.Shutdown(
                        this.<Duration>get("shutdown.pre-drain"),
                        this.<Duration>get("shutdown.drain-timeout"),
                        this.<Duration>get("shutdown.step-timeout")),
                new SluiceConfig.Demo(
                        demo, this.<Integer>get("demo.deltas"), this.<Duration>get("demo.delta-interval")),
                new SluiceConfig.Auth(
                        authMode(),
                        (List<Secret>) get("auth.api-keys"),
                        get("auth.admin-key"),
                        this.<Integer>get("auth.cache-size"),
                        get("auth.cache-ttl"),
                        this.<Integer>get("auth.failure-limit"),
                        get("auth.failure-window")),
                new SluiceConfig.Log(
                        this.<Boolean>get("log.requests"),
                        this.<Boolean>get("log.json"),
                        new SluiceConfig.Tracing(get("tracing.endpoint"), get("tracing.export-interval"))),
                routing,
                new SluiceConfig.Store(
                        get("store.url"),
                        get("store.user"),
                        get("store.password"),
                        this.<Integer>get("store.max-pool-size"),
                        get("store.connection-timeout"),
                        get("store.leak-detection")),
                new SluiceConfig.Redis(get("redis.url"), get("redis.prefix")),
                new SluiceConfig.Cache(
                        get("cache.enabled"),
                        this.<Long>get("cache.memory-max-size"),
                        this.<Long>get("cache.max-entry-size"),
                        get("cache.ttl"),
                        get("cache.non-deterministic"),
                        get("cache.sql-tier"),
                        this.<Long>get("cache.sql-max-size"),
                        get("cache.prune-interval"),
                        get("cache.redis-tier")),
                new SluiceConfig.Usage(
                        get("usage.enabled"),
                        this.<Integer>get("usage.queue-size"),
                        this.<Integer>get("usage.batch-size"),
                        get("usage.flush-interval"),
                        (List<String>) get("usage.prices"),
                        get("usage.max-age"),
                        this.<Integer>get("usage.max-rows"),
                        get("retention.interval")),
                new SluiceConfig.Sessions(
                        get("sessions.enabled"),
                        this.<Integer>get("sessions.history-token-budget"),
                        get("sessions.max-age"),
                        this.<Integer>get("sessions.max-messages")),
                new SluiceConfig.Limits(get("limits.fail-open")),
                new SluiceConfig.Request(
                        this.<Integer>get("request.max-messages"),
                        this.<Integer>get("request.max-tools"),
                        this.<Integer>get("request.max-content-blocks"),
                        this.<Integer>get("request.max-json-depth"),
                        this.<Integer>get("request.max-output-tokens")),
                new SluiceConfig.Responses(
                        get("responses.omit-unsupported-tools"),
                        get("responses.store"),
                        get("responses.max-age"),
                        this.<Integer>get("responses.max-rows"),
                        this.<Long>get("responses.max-size")),
                new SluiceConfig.Realtime(
                        this.<Integer>get("realtime.max-sessions"),
                        this.<Integer>get("realtime.max-sessions-per-key"),
                        this.<Integer>get("realtime.max-message-size"),
                        this.<Integer>get("realtime.queue-size"),
                        get("realtime.stall-timeout"),
                        get("realtime.idle-timeout"),
                        get("realtime.max-duration")));
    }

    /** auth.mode, with AUTO resolved: KEYS when static keys are set, else OPEN. */
    private SluiceConfig.AuthMode authMode() {
        ValueType.AuthModeSetting m = get("auth.mode");
        return switch (m) {
            case AUTO ->
                ((List<?>) get("auth.api-keys")).isEmpty() ? SluiceConfig.AuthMode.OPEN : SluiceConfig.AuthMode.KEYS;
            case OPEN -> SluiceConfig.AuthMode.OPEN;
            case KEYS -> SluiceConfig.AuthMode.KEYS;
            case PASS_THROUGH -> SluiceConfig.AuthMode.PASS_THROUGH;
        };
    }

    // the registry fixes each key's value type and the callers name the type their key has: a typed key per
    // entry would say the same at every call
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    private <T> T get(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("config key " + key + " is in SluiceConfig but not in the registry");
        }
        return (T) v;
    }

    private String source(String key) {
        return source.apply(key);
    }
}
