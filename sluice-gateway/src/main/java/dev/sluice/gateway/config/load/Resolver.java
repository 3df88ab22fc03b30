package dev.sluice.gateway.config.load;

import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.Secret;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.value.ValueType;
import dev.sluice.gateway.config.load.value.ValueType.DemoMode;
import io.lettuce.core.RedisURI;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Layers raw settings over the defaults, parses every key, checks keys against each other, builds the tree. */
final class Resolver {
    private static final String DEFAULT_SOURCE = "default";

    private final Map<String, Setting> effective = new LinkedHashMap<>();
    private final Map<String, Setting> named = new LinkedHashMap<>();
    private final Map<String, Object> values = new HashMap<>();
    private final List<String> problems;

    private Resolver(List<String> problems) {
        this.problems = new ArrayList<>(problems);
        for (Registry.Entry e : Registry.ENTRIES) {
            effective.put(e.key().key(), Setting.scalar(e.key().key(), e.key().defaultText(), DEFAULT_SOURCE));
        }
    }

    /**
     * The config from {@code layers} (later layers win), or a {@link ConfigException} listing
     * {@code earlierProblems} and every problem found here.
     */
    static SluiceConfig resolve(List<List<Setting>> layers, List<String> earlierProblems) throws ConfigException {
        return resolve(layers, earlierProblems, Map.of());
    }

    /** As above; {@code env} supplies provider kinds' own variables (OPENAI_API_KEY, OLLAMA_HOST, ...). */
    static SluiceConfig resolve(List<List<Setting>> layers, List<String> earlierProblems, Map<String, String> env)
            throws ConfigException {
        Resolver r = new Resolver(earlierProblems);
        for (List<Setting> layer : layers) {
            for (Setting s : layer) {
                (NamedSections.match(s.key()).isPresent() ? r.named : r.effective).put(s.key(), s);
            }
        }
        r.parseAll();
        r.checkAuthOnOpenListener();
        r.checkOrderedPairs();
        r.checkStartupRules();
        RoutingResolver routing = new RoutingResolver(List.copyOf(r.named.values()), env, r.problems);
        SluiceConfig config;
        try {
            config = r.build(routing); // also when problems were found: the routing checks add theirs
        } catch (IllegalStateException missing) {
            if (r.problems.isEmpty()) {
                throw missing;
            }
            throw new ConfigException(r.problems);
        }
        if (!r.problems.isEmpty()) {
            throw new ConfigException(r.problems);
        }
        return config;
    }

    private void parseAll() {
        for (Registry.Entry e : Registry.ENTRIES) {
            Setting s = setting(e.key().key());
            try {
                values.put(
                        e.key().key(),
                        s.list() ? e.type().parseList(s.items()) : e.type().parse(s.text()));
            } catch (IllegalArgumentException ex) {
                problems.add(e.key().key() + ": " + s.shown(e.type().isSecret()) + " (from " + s.source() + ") "
                        + ex.getMessage());
            }
        }
    }

    /** Pairs of keys that must agree: admit-below under shed-above, min under max in-flight (adaptive). */
    private void checkOrderedPairs() {
        lessThan("memory.admit-below", "memory.shed-above");
        lessThan("memory.warn-above", "memory.shed-above");
        if (values.get("admission.limit-algorithm") != SluiceConfig.LimitAlgorithm.FIXED
                && values.get("admission.min-in-flight") instanceof Integer min
                && values.get("admission.max-in-flight") instanceof Integer max
                && min > max) {
            problems.add("admission.min-in-flight: " + min + " (from "
                    + source("admission.min-in-flight")
                    + ") is above admission.max-in-flight " + max + " (from "
                    + source("admission.max-in-flight") + ")");
        }
    }

    /**
     * Rules the components used to enforce only when {@code serve} built them, one failure at a time;
     * here they are reported with every other problem, by key, so {@code config check} refuses what
     * {@code serve} would. The components keep their checks as assertions.
     */
    private void checkStartupRules() {
        // route.RoutingPolicy and core Backoff: the probes' backoff starts at probe-min and is capped at probe-max
        if (values.get("routing.probe-min") instanceof Duration min
                && values.get("routing.probe-max") instanceof Duration max
                && max.compareTo(min) < 0) {
            problems.add(
                    "routing.probe-max: " + ValueType.DURATION.format(max) + " (from " + source("routing.probe-max")
                            + ") is below routing.probe-min (" + ValueType.DURATION.format(min) + ", from "
                            + source("routing.probe-min") + ")");
        }
        // route.health.BreakerPolicy takes the threshold as a float percentage in (0, 100]
        if (values.get("routing.breaker.failure-rate") instanceof Double rate && !((float) (rate * 100) > 0)) {
            problems.add("routing.breaker.failure-rate: " + rate + " (from " + source("routing.breaker.failure-rate")
                    + ") is too small: the breaker's threshold would be 0 %, so it would open on any call");
        }
        // core LimiterBuilder: batch requests must keep some share of the limit
        if (values.get("admission.interactive-reserve") instanceof Double reserve && !(reserve < 1)) {
            problems.add(
                    "admission.interactive-reserve: " + reserve + " (from " + source("admission.interactive-reserve")
                            + ") must be below 1: batch requests (x-sluice-priority: batch) would get no share of the limit");
        }
        // States: the Redis cache tier needs Redis
        if (Boolean.TRUE.equals(values.get("cache.enabled"))
                && Boolean.TRUE.equals(values.get("cache.redis-tier"))
                && values.get("redis.url") instanceof Secret url
                && url.isEmpty()) {
            problems.add("cache.redis-tier: true (from " + source("cache.redis-tier")
                    + ") needs redis.url, which is not"
                    + " set (from " + source("redis.url") + "): set redis.url (env " + ConfigKey.envName("redis.url")
                    + ") or turn cache.redis-tier off");
        }
        // limits.Limits and cache.RedisTier hand redis.url to Lettuce when it is set
        if (values.get("redis.url") instanceof Secret url && !url.isEmpty()) {
            redisUrlProblem(url.reveal())
                    .ifPresent(why -> problems.add("redis.url: <redacted> (from " + source("redis.url") + ") " + why));
        }
        // usage.PriceTable, parsed at startup whether or not usage is recorded
        if (values.get("usage.prices") instanceof List<?> prices) {
            for (Object entry : prices) {
                Prices.problem((String) entry)
                        .ifPresent(why -> problems.add("usage.prices: entry " + Setting.quote((String) entry)
                                + " (from " + source("usage.prices") + ") " + why));
            }
        }
    }

    /** Why Lettuce would refuse {@code url}, without repeating it (it may hold a password). */
    static Optional<String> redisUrlProblem(String url) {
        try {
            RedisURI.create(url);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("is not a Redis URL: write redis://host:6379 (or rediss:// for TLS)");
        }
    }

    private String source(String key) {
        return setting(key).source();
    }

    /** The effective setting of a registry key: the constructor puts every one's default. */
    private Setting setting(String key) {
        return Objects.requireNonNull(effective.get(key), () -> "config key " + key + " is not in the registry");
    }

    private void lessThan(String lowKey, String highKey) {
        if (values.get(lowKey) instanceof Double low && values.get(highKey) instanceof Double high && !(low < high)) {
            problems.add(lowKey + ": " + low + " (from " + source(lowKey) + ") must be below " + highKey + " " + high
                    + " (from " + source(highKey) + ")");
        }
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

    /** An open listener must not accept any key: auth.mode open (or auto without keys) needs a loopback server.host. */
    private void checkAuthOnOpenListener() {
        if (!(values.get("server.host") instanceof String host)
                || !(values.get("auth.api-keys") instanceof List<?> keys)
                || !(values.get("auth.mode") instanceof ValueType.AuthModeSetting mode)) {
            return; // already reported as bad values
        }
        boolean open =
                mode == ValueType.AuthModeSetting.OPEN || (mode == ValueType.AuthModeSetting.AUTO && keys.isEmpty());
        if (open && !isLoopback(host)) {
            problems.add("auth.api-keys: empty (from "
                    + source("auth.api-keys")
                    + "), which accepts any client key, but server.host " + Setting.quote(host) + " (from "
                    + source("server.host") + ") is not a loopback address: set auth.api-keys (env "
                    + ConfigKey.envName("auth.api-keys") + ") to the client keys to accept, or listen on 127.0.0.1");
        }
    }

    /** Whether {@code host} is localhost or a loopback IP literal; never asks DNS. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            String[] octets = h.split("\\.", -1);
            for (String o : octets) {
                if (Integer.parseInt(o) > 255) {
                    return false;
                }
            }
            return octets[0].equals("127");
        }
        if (h.contains(":")) {
            try {
                return InetAddress.getByName("[" + h + "]").isLoopbackAddress(); // a literal: no lookup
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private SluiceConfig build(RoutingResolver routingResolver) {
        Secret apiKey = get("upstream.api-key");
        DemoMode mode = get("demo.mode");
        boolean urlSet = !source("upstream.url").equals(DEFAULT_SOURCE);
        boolean upstreamSet =
                urlSet || !apiKey.isEmpty() || !source("upstream.kind").equals(DEFAULT_SOURCE);
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
                new SluiceConfig.Log(this.<Boolean>get("log.requests"), this.<Boolean>get("log.json")),
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
}
