package dev.sluice.gateway.config.load;

import static dev.sluice.gateway.config.load.value.ValueType.AUTH_MODE;
import static dev.sluice.gateway.config.load.value.ValueType.BOOLEAN;
import static dev.sluice.gateway.config.load.value.ValueType.DEMO_MODE;
import static dev.sluice.gateway.config.load.value.ValueType.DURATION;
import static dev.sluice.gateway.config.load.value.ValueType.DURATION_OR_ZERO;
import static dev.sluice.gateway.config.load.value.ValueType.FRACTION;
import static dev.sluice.gateway.config.load.value.ValueType.HOST;
import static dev.sluice.gateway.config.load.value.ValueType.INT_SIZE;
import static dev.sluice.gateway.config.load.value.ValueType.JDBC_URL;
import static dev.sluice.gateway.config.load.value.ValueType.LIMIT_ALGORITHM;
import static dev.sluice.gateway.config.load.value.ValueType.NON_NEGATIVE_INT;
import static dev.sluice.gateway.config.load.value.ValueType.PATH;
import static dev.sluice.gateway.config.load.value.ValueType.PORT;
import static dev.sluice.gateway.config.load.value.ValueType.POSITIVE_INT;
import static dev.sluice.gateway.config.load.value.ValueType.PROVIDER_KIND;
import static dev.sluice.gateway.config.load.value.ValueType.SECRET;
import static dev.sluice.gateway.config.load.value.ValueType.SECRET_LIST;
import static dev.sluice.gateway.config.load.value.ValueType.SIZE;
import static dev.sluice.gateway.config.load.value.ValueType.SIZE_OR_ZERO;
import static dev.sluice.gateway.config.load.value.ValueType.TEXT;
import static dev.sluice.gateway.config.load.value.ValueType.TEXT_LIST;
import static dev.sluice.gateway.config.load.value.ValueType.URL;

import dev.sluice.gateway.config.ProviderKind;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.value.ValueType;
import dev.sluice.gateway.config.load.value.ValueType.DemoMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * THE table of configuration keys: name, type, default, meaning, and where each lives in
 * {@link SluiceConfig}. docs/configuration.md mirrors it (a test checks both ways).
 */
final class Registry {

    /** One key: its public description, how to parse it and how to read it back from a config. */
    record Entry(ConfigKey key, ValueType type, Function<SluiceConfig, Object> read) {}

    // spotless:off -- a table: one key per row reads better than the formatter's one argument per line
    static final List<Entry> ENTRIES = List.of(
            row("server.host", HOST, "127.0.0.1", "listen address", c -> c.server().host()),
            row("server.port", PORT, "8080", "listen port; 0 picks a free port", c -> c.server().port()),
            row("server.max-body-size", SIZE, "32MiB", "largest request body accepted",
                    c -> c.server().maxBodySize()),
            row("server.max-header-size", INT_SIZE, "64KiB", "largest request header block accepted",
                    c -> c.server().maxHeaderSize()),
            row("server.max-request-line", INT_SIZE, "16KiB", "longest request line (method, path, version) accepted;"
                    + " longer is answered 414", c -> c.server().maxRequestLine()),
            row("server.max-connections", POSITIVE_INT, "10000", "client connections open at once; more wait in the"
                    + " kernel's accept backlog (lowered at startup so clients cannot exhaust the process's file descriptors)",
                    c -> c.server().maxConnections()),
            row("server.idle-timeout", DURATION, "60s", "a connection that sends no request (or no complete request"
                    + " line) for this long is closed", c -> c.server().idleTimeout()),
            row("server.header-timeout", DURATION, "10s", "from the end of the request line to the end of the headers",
                    c -> c.server().headerTimeout()),
            row("server.body-timeout", DURATION, "60s", "from the end of the headers to the end of the request body",
                    c -> c.server().bodyTimeout()),
            row("server.min-upload-rate", SIZE_OR_ZERO, "4KiB", "per second: an upload slower than this (measured"
                    + " after its first 5 s) is cut; 0: off", c -> c.server().minUploadRate()),
            row("request.max-messages", POSITIVE_INT, "2000", "messages per request at most",
                    c -> c.request().maxMessages()),
            row("request.max-tools", POSITIVE_INT, "256", "tools per request at most", c -> c.request().maxTools()),
            row("request.max-content-blocks", POSITIVE_INT, "10000",
                    "content blocks per request at most (all messages and the system prompt)",
                    c -> c.request().maxContentBlocks()),
            row("request.max-json-depth", POSITIVE_INT, "64", "JSON nesting depth of a request at most (hard cap 256)",
                    c -> c.request().maxJsonDepth()),
            row("request.max-output-tokens", NON_NEGATIVE_INT, "0",
                    "largest max_tokens / max_completion_tokens accepted; 0: no ceiling",
                    c -> c.request().maxOutputTokens()),
            row("admission.max-in-flight", POSITIVE_INT, "256",
                    "concurrent requests admitted (the limit, or the adaptive limit's ceiling); more wait or are shed",
                    c -> c.admission().maxInFlight()),
            row("admission.limit-algorithm", LIMIT_ALGORITHM, "fixed",
                    "fixed: the limit is admission.max-in-flight; gradient2 or vegas: adapted between"
                            + " admission.min-in-flight and admission.max-in-flight",
                    c -> c.admission().algorithm()),
            row("admission.min-in-flight", POSITIVE_INT, "8", "starting limit of an adaptive limit; gradient2's floor (vegas may go down to 1)",
                    c -> c.admission().minInFlight()),
            row("admission.queue-size", NON_NEGATIVE_INT, "64",
                    "requests that may wait for a permit; beyond it they are shed at once",
                    c -> c.admission().queueSize()),
            row("admission.queue-timeout", DURATION, "250ms",
                    "longest wait for a permit; a request that cannot start by then is shed",
                    c -> c.admission().queueTimeout()),
            row("admission.interactive-reserve", FRACTION, "0.2",
                    "share of the limit batch requests (x-sluice-priority: batch) may not use",
                    c -> c.admission().interactiveReserve()),
            row("memory.shed-above", FRACTION, "0.92",
                    "shed new requests when the old generation after GC is above this share of its max",
                    c -> c.memory().shedAbove()),
            row("memory.admit-below", FRACTION, "0.85",
                    "admit again once the old generation after GC is below this share", c -> c.memory().admitBelow()),
            row("memory.warn-above", FRACTION, "0.8", "log a warning above this share", c -> c.memory().warnAbove()),
            row("memory.refresh-interval", DURATION, "250ms", "how often the post-GC floor is read",
                    c -> c.memory().refreshInterval()),
            row("memory.heap-dump-dir", PATH, "",
                    "write one heap dump here on entering CRITICAL (at most one per hour); empty: never",
                    c -> c.memory().heapDumpDir()),
            row("memory.health-log-interval", DURATION, "1h", "interval of the one-line health log",
                    c -> c.memory().healthLogInterval()),
            row("upstream.kind", PROVIDER_KIND, "anthropic",
                    "kind of the default provider (named `default`): " + ProviderKind.ids(),
                    c -> c.upstream().kind()),
            row("upstream.url", URL, "https://api.anthropic.com", "base URL of the default provider",
                    c -> c.upstream().url()),
            row("upstream.api-key", SECRET, "",
                    "key of the default provider; ANTHROPIC_API_KEY also sets it", c -> c.upstream().apiKey()),
            row("upstream.max-connections", POSITIVE_INT, "64", "connection pool bound per upstream",
                    c -> c.upstream().maxConnections()),
            row("upstream.max-queued-requests", POSITIVE_INT, "1024", "requests waiting for a pooled connection",
                    c -> c.upstream().maxQueuedRequests()),
            row("routing.default-provider", TEXT, "",
                    "provider for models without a route, model name unchanged; empty: `default` if configured,"
                            + " else the only provider, else such models are refused",
                    c -> c.routing().defaultProvider()),
            row("routing.max-attempts", POSITIVE_INT, "3", "attempts per request, retries and fallbacks included",
                    c -> c.routing().maxAttempts()),
            row("routing.retry-ratio", FRACTION, "0.1",
                    "retries and fallbacks allowed as a share of requests over the last 10 s",
                    c -> c.routing().retryRatio()),
            row("routing.retry-floor", NON_NEGATIVE_INT, "3", "retries per second allowed whatever the ratio",
                    c -> c.routing().retryFloorPerSecond()),
            row("routing.max-retry-after", DURATION, "5s",
                    "longest upstream Retry-After waited for before retrying the same target; longer: next target",
                    c -> c.routing().maxRetryAfter()),
            row("routing.same-target-retries.server-error", NON_NEGATIVE_INT, "1",
                    "retries on the same target after a 500, 502, 504 or other 5xx (not 503), before the next target",
                    c -> c.routing().sameTargetRetries().serverError()),
            row("routing.same-target-retries.connection", NON_NEGATIVE_INT, "1",
                    "retries on the same target after a failed connect or a connection broken before any answer"
                            + " byte (the free retry of a stale pooled connection counts as one)",
                    c -> c.routing().sameTargetRetries().connection()),
            row("routing.same-target-retries.overloaded", NON_NEGATIVE_INT, "0",
                    "retries on the same target after a 503 or 529 without a Retry-After (a short Retry-After is"
                            + " waited out on the same target whatever this says)",
                    c -> c.routing().sameTargetRetries().overloaded()),
            row("routing.same-target-retries.timeout", NON_NEGATIVE_INT, "0",
                    "retries on the same target after no answer within timeouts.first-byte",
                    c -> c.routing().sameTargetRetries().timeout()),
            row("routing.key-cooldown", DURATION, "30s", "a provider key answered 429 without Retry-After rests this long",
                    c -> c.routing().keyCooldown()),
            row("routing.breaker.failure-rate", FRACTION, "0.5", "failure share that opens a target's breaker",
                    c -> c.routing().breaker().failureRate()),
            row("routing.breaker.window", POSITIVE_INT, "20", "calls in the breaker's sliding window",
                    c -> c.routing().breaker().window()),
            row("routing.breaker.min-calls", POSITIVE_INT, "10", "calls before the failure share counts",
                    c -> c.routing().breaker().minCalls()),
            row("routing.breaker.open-for", DURATION, "30s", "an open breaker refuses calls this long (probes may end it sooner)",
                    c -> c.routing().breaker().openFor()),
            row("routing.breaker.half-open-calls", POSITIVE_INT, "2", "trial calls let through a half-open breaker",
                    c -> c.routing().breaker().halfOpenCalls()),
            row("routing.probe-min", DURATION, "1s", "first health probe delay for a target whose breaker opened",
                    c -> c.routing().probeMin()),
            row("routing.probe-max", DURATION, "60s", "cap of the probes' exponential backoff",
                    c -> c.routing().probeMax()),
            row("timeouts.connect", DURATION, "10s", "upstream TCP/TLS connect", c -> c.timeouts().connect()),
            row("timeouts.first-byte", DURATION, "60s", "wait for upstream response headers",
                    c -> c.timeouts().firstByte()),
            row("timeouts.first-token", DURATION, "60s",
                    "a streamed answer with no content this long after its headers is abandoned; before anything"
                            + " reached the client the next target answers instead",
                    c -> c.timeouts().firstToken()),
            row("timeouts.idle", DURATION, "60s", "max silence between upstream stream events",
                    c -> c.timeouts().idle()),
            row("timeouts.total", DURATION, "10m", "whole upstream exchange", c -> c.timeouts().total()),
            row("stream.heartbeat-interval", DURATION, "500ms",
                    "a `: ping` comment goes to a streaming client after this much silence (detects disconnects)",
                    c -> c.stream().heartbeatInterval()),
            row("stream.continuation", BOOLEAN, "true",
                    "a stream that breaks after text reached the client is continued on the next target that"
                            + " can take the delivered text as a prefill (providers.<name>.continuation)",
                    c -> c.stream().continuation()),
            row("stream.skip-malformed-events", BOOLEAN, "false",
                    "skip an upstream event that cannot be parsed (counted and logged) instead of ending the"
                            + " stream with an error",
                    c -> c.stream().skipMalformedEvents()),
            row("shutdown.pre-drain", DURATION_OR_ZERO, "1s",
                    "after SIGTERM, readiness is 503 but new requests are still served this long",
                    c -> c.shutdown().preDrain()),
            row("shutdown.drain-timeout", DURATION, "25s", "in-flight requests get this long to finish",
                    c -> c.shutdown().drainTimeout()),
            row("shutdown.step-timeout", DURATION, "5s", "deadline for each close step",
                    c -> c.shutdown().stepTimeout()),
            row("demo.mode", DEMO_MODE, "auto",
                    "on: the built-in fake provider is the upstream; auto: on when neither upstream.api-key nor"
                            + " upstream.url is set",
                    c -> c.demo().enabled() ? DemoMode.ON : DemoMode.OFF),
            row("demo.deltas", POSITIVE_INT, "24", "words per demo answer", c -> c.demo().deltas()),
            row("demo.delta-interval", DURATION, "30ms", "pause between demo words",
                    c -> c.demo().deltaInterval()),
            row("auth.mode", AUTH_MODE, "auto",
                    "open: any client key (loopback listeners only); keys: auth.api-keys or a stored key;"
                            + " pass-through: the client's own key is sent to the provider; auto: keys when"
                            + " auth.api-keys is set, else open",
                    c -> c.auth().mode()),
            row("auth.api-keys", SECRET_LIST, "",
                    "static client keys accepted (comma-separated), besides keys stored with `sluice keys create`",
                    c -> c.auth().apiKeys()),
            row("auth.admin-key", SECRET, "", "key for /admin/* and the /system/gc and /system/heapdump actions; empty: admin API off",
                    c -> c.auth().adminKey()),
            row("auth.cache-size", POSITIVE_INT, "10000", "stored keys kept in the auth cache", c -> c.auth().cacheSize()),
            row("auth.cache-ttl", DURATION, "30s",
                    "how long a cached key (or unknown key) is trusted; a revocation reaches other instances within it",
                    c -> c.auth().cacheTtl()),
            row("auth.failure-limit", POSITIVE_INT, "20",
                    "failed authentications per client IP within auth.failure-window before 429; wrong client keys"
                            + " and wrong admin keys are counted apart: the first block client routes only (never in"
                            + " open mode), the second the admin API only, even for the right admin key",
                    c -> c.auth().failureLimit()),
            row("auth.failure-window", DURATION, "1m", "window of each per-IP failure count",
                    c -> c.auth().failureWindow()),
            row("log.requests", BOOLEAN, "true", "one log line per request", c -> c.log().requests()),
            row("log.json", BOOLEAN, "false",
                    "log one JSON object per line (ts, level, logger, message, request_id, error)",
                    c -> c.log().json()),
            row("store.url", JDBC_URL, "jdbc:sqlite:./data/sluice.db",
                    "SQL store: a SQLite file (one instance) or jdbc:postgresql://host:5432/db (several)",
                    c -> c.store().url()),
            row("store.user", TEXT, "", "database user (PostgreSQL)", c -> c.store().user()),
            row("store.password", SECRET, "", "database password (PostgreSQL)", c -> c.store().password()),
            row("store.max-pool-size", POSITIVE_INT, "8", "database connections at most", c -> c.store().maxPoolSize()),
            row("store.connection-timeout", DURATION, "2s", "longest wait for a database connection",
                    c -> c.store().connectionTimeout()),
            row("store.leak-detection", DURATION_OR_ZERO, "0s",
                    "log a connection held longer than this (HikariCP leak detection); 0: off",
                    c -> c.store().leakDetection()),
            row("redis.url", SECRET, "",
                    "redis://host:6379 for state shared by several instances (limits, budgets, cache tier); empty: none",
                    c -> c.redis().url()),
            row("redis.prefix", TEXT, "sluice:", "prefix of every Redis key Sluice writes", c -> c.redis().prefix()),
            row("limits.fail-open", BOOLEAN, "true",
                    "when Redis is unreachable, admit requests (true) or refuse them (false)",
                    c -> c.limits().failOpen()),
            row("cache.enabled", BOOLEAN, "false", "cache complete answers (exact match)", c -> c.cache().enabled()),
            row("cache.memory-max-size", SIZE, "64MiB", "memory tier bound in bytes", c -> c.cache().memoryMaxBytes()),
            row("cache.max-entry-size", SIZE, "1MiB", "larger answers are not cached", c -> c.cache().maxEntryBytes()),
            row("cache.ttl", DURATION, "1h", "how long a cached answer is served", c -> c.cache().ttl()),
            row("cache.non-deterministic", BOOLEAN, "false",
                    "also cache requests without temperature 0", c -> c.cache().nonDeterministic()),
            row("cache.sql-tier", BOOLEAN, "false", "keep cached answers in the SQL store too", c -> c.cache().sqlTier()),
            row("cache.sql-max-size", SIZE, "1GiB", "SQL tier bound in bytes (oldest pruned)",
                    c -> c.cache().sqlMaxBytes()),
            row("cache.prune-interval", DURATION, "1m", "how often expired cache rows are pruned",
                    c -> c.cache().pruneInterval()),
            row("cache.redis-tier", BOOLEAN, "false", "keep cached answers in Redis too (needs redis.url)",
                    c -> c.cache().redisTier()),
            row("usage.enabled", BOOLEAN, "true", "record usage per request in the store", c -> c.usage().enabled()),
            row("usage.queue-size", POSITIVE_INT, "10000",
                    "usage records waiting for the writer; when full the oldest are dropped and counted",
                    c -> c.usage().queueSize()),
            row("usage.batch-size", POSITIVE_INT, "500", "records per database batch", c -> c.usage().batchSize()),
            row("usage.flush-interval", DURATION, "1s", "longest a record waits before it is written",
                    c -> c.usage().flushInterval()),
            row("usage.prices", TEXT_LIST, "",
                    "cost per model: model=input/output[/cache-read/cache-write] USD per million tokens",
                    c -> c.usage().prices()),
            row("usage.max-age", DURATION, "2160h", "usage records older than this are deleted",
                    c -> c.usage().maxAge()),
            row("usage.max-rows", POSITIVE_INT, "10000000", "usage records kept at most (oldest deleted)",
                    c -> c.usage().maxRows()),
            row("retention.interval", DURATION, "10m",
                    "how often retention jobs delete old usage records, job runs and sessions (each run is recorded)",
                    c -> c.usage().retentionInterval()),
            row("sessions.enabled", BOOLEAN, "false",
                    "keep session history server-side for requests that ask (x-sluice-session: keep)",
                    c -> c.sessions().enabled()),
            row("sessions.history-token-budget", POSITIVE_INT, "32000", "history tokens prepended at most",
                    c -> c.sessions().historyTokenBudget()),
            row("sessions.max-age", DURATION, "168h", "sessions unused this long are deleted", c -> c.sessions().maxAge()),
            row("sessions.max-messages", POSITIVE_INT, "1000000", "session messages kept at most (oldest deleted)",
                    c -> c.sessions().maxMessages()),
            row("responses.omit-unsupported-tools", BOOLEAN, "false",
                    "/v1/responses translated for a provider: leave out tools other than function tools (web_search,"
                            + " namespace...) instead of answering 400 naming them",
                    c -> c.responses().omitUnsupportedTools()),
            row("responses.store", BOOLEAN, "true",
                    "keep translated responses whose request says store (the Responses API's default) in the state"
                            + " store, for previous_response_id and GET/DELETE /v1/responses/{id}; false: never",
                    c -> c.responses().store()),
            row("responses.max-age", DURATION, "720h", "stored responses older than this are deleted",
                    c -> c.responses().maxAge()),
            row("responses.max-rows", POSITIVE_INT, "100000", "stored responses kept at most (oldest deleted)",
                    c -> c.responses().maxRows()),
            row("responses.max-size", SIZE, "256MiB",
                    "bytes of stored responses kept at most (oldest deleted); one larger than a tenth of it is not stored",
                    c -> c.responses().maxSize()),
            row("realtime.max-sessions", POSITIVE_INT, "64",
                    "open /v1/realtime sessions at most (each holds a session permit for its life); more get 503",
                    c -> c.realtime().maxSessions()),
            row("realtime.max-sessions-per-key", POSITIVE_INT, "8", "open realtime sessions per client key; more get 429",
                    c -> c.realtime().maxSessionsPerKey()),
            row("realtime.max-message-size", INT_SIZE, "1MiB",
                    "largest WebSocket message either way (frames and whole messages); a larger one closes the session 1009",
                    c -> c.realtime().maxMessageSize()),
            row("realtime.queue-size", INT_SIZE, "1MiB",
                    "bytes queued towards the client per session; when full the upstream is not read until it drains",
                    c -> c.realtime().queueSize()),
            row("realtime.stall-timeout", DURATION, "10s",
                    "a client whose queue stays full this long is closed 1013 (it does not read)",
                    c -> c.realtime().stallTimeout()),
            row("realtime.idle-timeout", DURATION, "60s",
                    "a session with no message either way for this long is closed 1000",
                    c -> c.realtime().idleTimeout()),
            row("realtime.max-duration", DURATION, "30m", "a session open this long is closed 1000",
                    c -> c.realtime().maxDuration()));
    // spotless:on

    /** Other environment names for a key; the canonical {@code SLUICE_*} name wins over these. */
    static final Map<String, String> ENV_ALIASES = Map.of(
            "SLUICE_PORT", "server.port",
            "SLUICE_HOST", "server.host",
            "ANTHROPIC_API_KEY", "upstream.api-key");

    /** SLUICE_* variables that are not config keys but are used elsewhere (launcher, CLI). */
    static final Set<String> RESERVED_ENV = Set.of(
            "SLUICE_CONFIG", "SLUICE_JVM_DIR", "SLUICE_JAVA_OPTS", "SLUICE_LOGGING_CONFIG", "SLUICE_BENCH_JAVA_OPTS");

    static final Map<String, Entry> BY_KEY = index();

    private Registry() {}

    private static Entry row(
            String key, ValueType type, String defaultText, String description, Function<SluiceConfig, Object> read) {
        return new Entry(
                new ConfigKey(key, type.display, defaultText, ConfigKey.envName(key), description), type, read);
    }

    private static Map<String, Entry> index() {
        Map<String, Entry> byKey = new LinkedHashMap<>();
        for (Entry e : ENTRIES) {
            if (byKey.put(e.key().key(), e) != null) {
                throw new IllegalStateException(
                        "config key listed twice: " + e.key().key());
            }
        }
        return java.util.Collections.unmodifiableMap(byKey);
    }

    /** Aliases of {@code key}, in a fixed order. */
    static List<String> aliasesOf(String key) {
        return ENV_ALIASES.entrySet().stream()
                .filter(e -> e.getValue().equals(key))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }
}
