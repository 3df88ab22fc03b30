package dev.sluice.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The whole gateway configuration: one immutable tree, built and validated by {@link dev.sluice.gateway.config.load.ConfigLoader}.
 * Every key, its default and its meaning is listed in {@link dev.sluice.gateway.config.load.ConfigLoader#keys()} and in
 * {@code docs/configuration.md}.
 */
public record SluiceConfig(
        Server server,
        Admission admission,
        Memory memory,
        Upstream upstream,
        Timeouts timeouts,
        Stream stream,
        Shutdown shutdown,
        Demo demo,
        Auth auth,
        Log log,
        Routing routing,
        Store store,
        Redis redis,
        Cache cache,
        Usage usage,
        Sessions sessions,
        Limits limits,
        Request request,
        Responses responses,
        Realtime realtime) {

    /** How the admission limit is set: fixed, or adapted by a Netflix concurrency-limits algorithm. */
    public enum LimitAlgorithm {
        FIXED,
        GRADIENT2,
        VEGAS
    }

    /** Listener: address, port and request size limits (bytes). */
    public record Server(
            String host,
            int port,
            long maxBodySize,
            int maxHeaderSize,
            int maxRequestLine,
            int maxConnections,
            Duration idleTimeout,
            Duration headerTimeout,
            Duration bodyTimeout,
            long minUploadRate) {}

    /**
     * Admission control: at most {@code maxInFlight} concurrent requests (the adaptive algorithms move
     * the limit between {@code minInFlight} and {@code maxInFlight}); up to {@code queueSize} more
     * wait at most {@code queueTimeout}; batch requests may not use the last {@code interactiveReserve}
     * of the limit.
     */
    public record Admission(
            int maxInFlight,
            LimitAlgorithm algorithm,
            int minInFlight,
            int queueSize,
            Duration queueTimeout,
            double interactiveReserve) {}

    /**
     * Memory pressure from the old generation's usage after the last GC: shed above {@code shedAbove},
     * admit again below {@code admitBelow}; heap dumps on CRITICAL only when {@code heapDumpDir} is set.
     */
    public record Memory(
            double shedAbove,
            double admitBelow,
            double warnAbove,
            Duration refreshInterval,
            String heapDumpDir,
            Duration healthLogInterval) {}

    /** The default upstream (provider {@code default}) and the pool bounds every provider inherits. */
    public record Upstream(ProviderKind kind, URI url, Secret apiKey, int maxConnections, int maxQueuedRequests) {}

    /** Upstream timeouts: connect, response headers, silence between stream events, whole exchange. */
    public record Timeouts(Duration connect, Duration firstByte, Duration firstToken, Duration idle, Duration total) {}

    /** Streaming to clients: a {@code : ping} comment after this much silence. */
    public record Stream(Duration heartbeatInterval, boolean continuation, boolean skipMalformedEvents) {}

    /** Graceful shutdown: pre-drain delay, drain deadline, deadline per close step. */
    public record Shutdown(Duration preDrain, Duration drainTimeout, Duration stepTimeout) {}

    /** Demo mode, resolved: {@code enabled} means the built-in fake provider is the upstream. */
    public record Demo(boolean enabled, int deltas, Duration deltaInterval) {}

    /** How clients are authenticated. */
    public enum AuthMode {
        OPEN,
        KEYS,
        PASS_THROUGH
    }

    /**
     * Client authentication: static {@code apiKeys} and keys stored with {@code sluice keys create}; in
     * OPEN mode (loopback only) any key is accepted; in PASS_THROUGH the client's key goes upstream.
     * The auth cache and the per-IP failure limiter are bounded and expire.
     */
    public record Auth(
            AuthMode mode,
            List<Secret> apiKeys,
            Secret adminKey,
            int cacheSize,
            Duration cacheTtl,
            int failureLimit,
            Duration failureWindow) {
        public Auth {
            apiKeys = List.copyOf(apiKeys);
        }
    }

    /** The SQL store: SQLite file or PostgreSQL, pool bound, connection wait, leak detection (zero: off). */
    public record Store(
            String url,
            String user,
            Secret password,
            int maxPoolSize,
            Duration connectionTimeout,
            Duration leakDetection) {}

    /** Redis for state shared by several instances (limits, budgets, cache tier); empty URL: none. */
    public record Redis(Secret url, String prefix) {}

    /** The response cache: memory tier bounded in bytes, optional SQL and Redis tiers, TTL, pruning. */
    public record Cache(
            boolean enabled,
            long memoryMaxBytes,
            long maxEntryBytes,
            Duration ttl,
            boolean nonDeterministic,
            boolean sqlTier,
            long sqlMaxBytes,
            Duration pruneInterval,
            boolean redisTier) {}

    /** Usage records: a bounded queue written in batches; prices (model=in/out per million tokens); retention. */
    public record Usage(
            boolean enabled,
            int queueSize,
            int batchSize,
            Duration flushInterval,
            List<String> prices,
            Duration maxAge,
            long maxRows,
            Duration retentionInterval) {
        public Usage {
            prices = List.copyOf(prices);
        }
    }

    /** Server-side session history (opt-in per request), its token budget and retention. */
    public record Sessions(boolean enabled, int historyTokenBudget, Duration maxAge, long maxMessages) {}

    /**
     * The Responses ingress: whether tools a translation cannot carry are left out (else refused), and the
     * stored responses ({@code store}, {@code previous_response_id}) with their bounds.
     */
    public record Responses(boolean omitUnsupportedTools, boolean store, Duration maxAge, int maxRows, long maxSize) {}

    /**
     * The realtime WebSocket relay: sessions at most (all, per key), message and queue bounds in bytes, how
     * long a full queue, an idle session and any session may last.
     */
    public record Realtime(
            int maxSessions,
            int maxSessionsPerKey,
            int maxMessageSize,
            int queueSize,
            Duration stallTimeout,
            Duration idleTimeout,
            Duration maxDuration) {}

    /** Shape limits on each generation request; maxOutputTokens 0 means no ceiling. */
    public record Request(int maxMessages, int maxTools, int maxContentBlocks, int maxJsonDepth, int maxOutputTokens) {}

    /** Per-key limits: shared through Redis when configured; fail open when the limiter's store is down. */
    public record Limits(boolean failOpen) {}

    /** How a route picks its first target. */
    public enum Balance {
        FALLBACK,
        WEIGHTED,
        LEAST_IN_FLIGHT
    }

    /**
     * One upstream provider: its kind, base URL, keys (rotated on 429), the Azure api-version and its
     * connection pool bounds. The provider named {@link Routing#DEFAULT_PROVIDER} comes from {@code upstream.*}.
     */
    public record Provider(
            String name,
            ProviderKind kind,
            URI url,
            List<Secret> apiKeys,
            String apiVersion,
            int maxConnections,
            int maxQueuedRequests,
            boolean nativeResponses,
            boolean continuation,
            boolean realtime) {
        public Provider {
            apiKeys = List.copyOf(apiKeys);
        }
    }

    /** One target of a route: a provider and the model name the provider knows. */
    public record Target(String provider, String model, int weight) {}

    /**
     * A client-facing model name and the targets it is served by, in fallback order; {@code onContextLength}:
     * the targets to switch to when one answers that the prompt is too long for it (may be empty).
     */
    public record Route(
            String name,
            List<Target> targets,
            Balance balance,
            List<Target> onContextLength,
            @Nullable Boolean continuation) {
        public Route {
            targets = List.copyOf(targets);
            onContextLength = List.copyOf(onContextLength);
        }

        /** Without context-length targets. */
        public Route(String name, List<Target> targets, Balance balance) {
            this(name, targets, balance, List.of(), null);
        }

        /** Whether a broken stream of this route is continued: its own setting, else {@code stream.continuation}. */
        public boolean continues(boolean byDefault) {
            return continuation != null ? continuation : byDefault;
        }
    }

    /** Retries on the same target per kind of failure, before the next target. */
    public record SameTargetRetries(int serverError, int connection, int overloaded, int timeout) {}

    /** Circuit breaker per target (Resilience4j): failure rate (percent) over a count window. */
    public record Breaker(double failureRate, int window, int minCalls, Duration openFor, int halfOpenCalls) {}

    /**
     * Providers, routes and the retry policy. A model without a route goes to {@code defaultProvider}
     * with its name unchanged (empty: such models are refused).
     */
    public record Routing(
            java.util.Map<String, Provider> providers,
            java.util.Map<String, Route> routes,
            String defaultProvider,
            int maxAttempts,
            double retryRatio,
            int retryFloorPerSecond,
            Duration maxRetryAfter,
            Duration keyCooldown,
            Breaker breaker,
            Duration probeMin,
            Duration probeMax,
            SameTargetRetries sameTargetRetries) {
        /** The name of the provider configured by the {@code upstream.*} keys (or the demo fake). */
        public static final String DEFAULT_PROVIDER = "default";

        public Routing {
            providers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(providers));
            routes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(routes));
        }
    }

    /** Logging: one line per request when {@code requests}; OpenTelemetry traces per {@code tracing}. */
    public record Log(boolean requests, boolean json, Tracing tracing) {}

    /** OTLP/HTTP trace export: {@code endpoint} empty means off unless the OTEL_* environment sets one. */
    public record Tracing(String endpoint, Duration exportInterval) {}
}
