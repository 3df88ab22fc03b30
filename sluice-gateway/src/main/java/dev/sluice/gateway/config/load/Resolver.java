package dev.sluice.gateway.config.load;

import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.Secret;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.value.ValueType;
import io.lettuce.core.RedisURI;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Layers raw settings over the defaults, parses every key, checks keys against each other, and builds the tree
 * (with {@link TreeBuilder}).
 */
final class Resolver {
    static final String DEFAULT_SOURCE = "default";

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
            // also when problems were found: the routing checks add theirs
            config = new TreeBuilder(r.values, r::source).build(routing);
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
}
