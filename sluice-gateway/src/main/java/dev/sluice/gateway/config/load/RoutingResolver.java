package dev.sluice.gateway.config.load;

import dev.sluice.gateway.config.ProviderKind;
import dev.sluice.gateway.config.Secret;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.SluiceConfig.Balance;
import dev.sluice.gateway.config.SluiceConfig.Route;
import dev.sluice.gateway.config.SluiceConfig.Routing;
import dev.sluice.gateway.config.SluiceConfig.Target;
import dev.sluice.gateway.config.load.value.ValueType;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Builds the providers and routes from the named-section settings, the {@code upstream.*} keys and the env. */
final class RoutingResolver {
    /** Named-section values by section name, entry name and field. */
    private final Map<String, Map<String, Map<String, Object>>> named = new LinkedHashMap<>();

    private final ProviderEnv providerEnv;
    private final List<String> problems;

    RoutingResolver(List<Setting> namedSettings, Map<String, String> env, List<String> problems) {
        this.providerEnv = new ProviderEnv(env, problems);
        this.problems = problems;
        for (Setting s : namedSettings) {
            NamedSections.Match m = NamedSections.match(s.key()).orElseThrow();
            ValueType type = m.field().type();
            try {
                Object v = s.list() ? type.parseList(s.items()) : type.parse(s.text());
                named.computeIfAbsent(m.field().section(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(m.name(), k -> new LinkedHashMap<>())
                        .put(m.field().field(), v);
            } catch (IllegalArgumentException e) {
                problems.add(
                        s.key() + ": " + s.shown(type.isSecret()) + " (from " + s.source() + ") " + e.getMessage());
            }
        }
    }

    /** Whether any {@code providers.*} key is set. */
    boolean hasProviders() {
        return !named.getOrDefault("providers", Map.of()).isEmpty();
    }

    /** The providers: {@code default} from {@code upstream.*} when {@code withDefault}, then the named ones. */
    Map<String, SluiceConfig.Provider> providers(SluiceConfig.Upstream upstream, boolean withDefault) {
        Map<String, SluiceConfig.Provider> out = new LinkedHashMap<>();
        if (withDefault) {
            List<Secret> keys = upstream.apiKey().isEmpty() ? List.of() : List.of(upstream.apiKey());
            out.put(
                    Routing.DEFAULT_PROVIDER,
                    new SluiceConfig.Provider(
                            Routing.DEFAULT_PROVIDER,
                            upstream.kind(),
                            upstream.url(),
                            keys,
                            providerEnv.azureVersion(null),
                            upstream.maxConnections(),
                            upstream.maxQueuedRequests(),
                            false,
                            upstream.kind() == ProviderKind.ANTHROPIC,
                            upstream.kind().servesRealtime()));
        }
        named.getOrDefault("providers", Map.of()).forEach((name, fields) -> {
            String where = "providers." + name;
            if (!name.matches("[A-Za-z0-9_-]+")) {
                problems.add(where + ": a provider name may hold only letters, digits, '-' and '_'");
                return;
            }
            if (name.equals(Routing.DEFAULT_PROVIDER) && withDefault) {
                problems.add(where + ": the name \"default\" is taken by the upstream.* provider; choose another");
                return;
            }
            if (!(fields.get("kind") instanceof ProviderKind kind)) {
                problems.add(where + ".kind: missing; set one of " + ProviderKind.ids());
                return;
            }
            Optional<URI> url = Optional.ofNullable((URI) fields.get("url")).or(() -> providerEnv.envUrl(kind, where));
            if (url.isEmpty()) {
                problems.add(where + ".url: missing; a " + kind.id() + " provider needs its base URL"
                        + kind.urlEnv().map(e -> " (or env " + e + ")").orElse(""));
                return;
            }
            @SuppressWarnings("unchecked")
            List<Secret> keys = (List<Secret>) fields.getOrDefault("api-keys", providerEnv.envKeys(kind));
            out.put(
                    name,
                    new SluiceConfig.Provider(
                            name,
                            kind,
                            url.get(),
                            keys,
                            providerEnv.azureVersion((String) fields.get("api-version")),
                            (Integer) fields.getOrDefault("max-connections", upstream.maxConnections()),
                            (Integer) fields.getOrDefault("max-queued-requests", upstream.maxQueuedRequests()),
                            nativeResponses(kind, fields.get("native-responses"), where),
                            (Boolean) fields.getOrDefault("continuation", kind == ProviderKind.ANTHROPIC),
                            realtime(kind, fields.get("realtime"), where)));
        });
        return out;
    }

    private boolean nativeResponses(ProviderKind kind, @Nullable Object value, String where) {
        boolean on = Boolean.TRUE.equals(value);
        if (on && !kind.canSpeakResponses()) {
            problems.add(where + ".native-responses: " + kind.id() + " providers do not serve the Responses API;"
                    + " remove the key (Sluice translates /v1/responses for it)");
        }
        return on;
    }

    private boolean realtime(ProviderKind kind, @Nullable Object value, String where) {
        if (Boolean.TRUE.equals(value) && !kind.servesRealtime()) {
            problems.add(where + ".realtime: " + kind.id() + " providers do not serve the Realtime API"
                    + " (openai and azure-openai do); remove the key");
            return false;
        }
        return value == null ? kind.servesRealtime() : (Boolean) value;
    }

    /** The routes, each target checked against {@code providers}. */
    Map<String, Route> routes(Map<String, SluiceConfig.Provider> providers) {
        Map<String, Route> out = new LinkedHashMap<>();
        named.getOrDefault("routes", Map.of()).forEach((name, fields) -> {
            String where = "routes." + name;
            if (name.isBlank()) { // route.RouteSpec refuses a blank name
                problems.add("routes." + Setting.quote(name) + ": a route name must not be blank");
                return;
            }
            @SuppressWarnings("unchecked")
            List<String> targets = (List<String>) fields.get("targets");
            if (targets == null || targets.isEmpty()) {
                problems.add(where + ".targets: missing; list provider:model entries, e.g. [\"openai:gpt-4o\"]");
                return;
            }
            @SuppressWarnings("unchecked")
            List<String> weights = (List<String>) fields.getOrDefault("weights", List.of());
            if (!weights.isEmpty() && weights.size() != targets.size()) {
                problems.add(where + ".weights: " + weights.size() + " weights for " + targets.size() + " targets");
                return;
            }
            List<Target> parsed = targets(where, "targets", targets, weights, providers);
            @SuppressWarnings("unchecked")
            List<String> wider = (List<String>) fields.getOrDefault("on-context-length", List.of());
            List<Target> onContextLength = targets(where, "on-context-length", wider, List.of(), providers);
            if (parsed == null || onContextLength == null) {
                return;
            }
            out.put(
                    name,
                    new Route(
                            name,
                            parsed,
                            (Balance) fields.getOrDefault("balance", Balance.FALLBACK),
                            onContextLength,
                            (Boolean) fields.get("continuation")));
        });
        return out;
    }

    /**
     * {@code entries} as targets, each {@code provider:model} of a configured provider, none twice; null when
     * one is not (the problem is added, named by the route's key {@code where} and {@code field}).
     */
    private @Nullable List<Target> targets(
            String where,
            String field,
            List<String> entries,
            List<String> weights,
            Map<String, SluiceConfig.Provider> providers) {
        String key = where + "." + field;
        List<Target> parsed = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String t = entries.get(i);
            int colon = t.indexOf(':');
            if (colon <= 0
                    || t.substring(0, colon).isBlank()
                    || t.substring(colon + 1).isBlank()) {
                problems.add(key + ": entry " + Setting.quote(t) + " is not provider:model");
                return null;
            }
            String provider = t.substring(0, colon);
            if (!providers.containsKey(provider)) {
                problems.add(key + ": entry " + Setting.quote(t) + " names provider \"" + provider
                        + "\", which is not configured (known: " + String.join(", ", providers.keySet()) + ")");
                return null;
            }
            int weight = weights.isEmpty() ? 1 : weight(where, weights.get(i));
            if (weight < 1) {
                return null;
            }
            Target target = new Target(provider, t.substring(colon + 1), weight);
            if (parsed.stream()
                    .anyMatch(p -> p.provider().equals(provider) && p.model().equals(target.model()))) {
                // route.RouteSpec refuses a target listed twice: it would share one breaker and count
                problems.add(key + ": entry " + Setting.quote(t) + " is listed twice");
                return null;
            }
            parsed.add(target);
        }
        return parsed;
    }

    /** The provider for unrouted models: the key if set (must exist), else {@code default}, else the only one. */
    String defaultProvider(String configured, Map<String, SluiceConfig.Provider> providers) {
        if (!configured.isEmpty()) {
            if (!providers.containsKey(configured)) {
                problems.add("routing.default-provider: \"" + configured + "\" is not a configured provider (known: "
                        + String.join(", ", providers.keySet()) + ")");
            }
            return configured;
        }
        if (providers.containsKey(Routing.DEFAULT_PROVIDER)) {
            return Routing.DEFAULT_PROVIDER;
        }
        return providers.size() == 1 ? providers.keySet().iterator().next() : "";
    }

    private int weight(String where, String text) {
        try {
            int w = Integer.parseInt(text.strip());
            if (w >= 1) {
                return w;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(where + ".weights: " + Setting.quote(text) + " is not a positive integer");
        return 0;
    }
}
