package dev.sluice.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.core.Lifecycle;
import dev.sluice.gateway.auth.Authenticator;
import dev.sluice.gateway.auth.FailureLimiter;
import dev.sluice.gateway.auth.KeyStore;
import dev.sluice.gateway.cache.ResponseCache;
import dev.sluice.gateway.cache.TieredResponseCache;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.GatewayState;
import dev.sluice.gateway.limits.Limits;
import dev.sluice.gateway.logging.AccessLogWriter;
import dev.sluice.gateway.metrics.GatewayMetrics;
import dev.sluice.gateway.proxy.AccessLog;
import dev.sluice.gateway.responses.ResponseStore;
import dev.sluice.gateway.responses.SqlResponseStore;
import dev.sluice.gateway.session.SessionStore;
import dev.sluice.gateway.session.SqlSessionStore;
import dev.sluice.gateway.store.JobRuns;
import dev.sluice.gateway.store.Retention;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.translate.Translate;
import dev.sluice.gateway.usage.BudgetReader;
import dev.sluice.gateway.usage.PriceTable;
import dev.sluice.gateway.usage.UsageQueries;
import dev.sluice.gateway.usage.UsageRecorder;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/** Builds the state services over the store (and Redis when configured), each registered for closing. */
final class States {

    private static final int MAX_TRACKED_ADDRESSES = 100_000;
    private static final int MAX_LIMITED_KEYS = 100_000;

    private States() {}

    static GatewayState start(SluiceConfig config, Store store, Lifecycle lifecycle) {
        // registered first of the state, so it closes after the listener and writes the last requests' lines
        AccessLogWriter accessLog =
                new AccessLogWriter(AccessLogWriter.DEFAULT_CAPACITY, AccessLog.class.getName(), "completed");
        lifecycle.register(
                "access-log",
                AccessLogWriter.LOGGER,
                accessLog,
                () -> AccessLogWriter.DEFAULT_CAPACITY,
                () -> accessLog.stats().queued());
        var a = config.auth();
        Authenticator auth = new Authenticator(
                new KeyStore(store.dataSource()),
                a.cacheSize(),
                a.cacheTtl(),
                new FailureLimiter(a.failureLimit(), a.failureWindow(), MAX_TRACKED_ADDRESSES, Ticker.systemTicker()),
                Ticker.systemTicker());
        FailureLimiter adminFailures =
                new FailureLimiter(a.failureLimit(), a.failureWindow(), MAX_TRACKED_ADDRESSES, Ticker.systemTicker());
        UsageQueries queries = new UsageQueries(store.dataSource());
        BudgetReader budgets =
                new BudgetReader(queries, Duration.ofSeconds(5), MAX_LIMITED_KEYS, Ticker.systemTicker());
        String redisUrl =
                config.redis().url().isEmpty() ? "" : config.redis().url().reveal();
        Limits limits = lifecycle.register(
                "limits",
                redisUrl.isEmpty() ? "local" : "redis",
                redisUrl.isEmpty()
                        ? Limits.local(MAX_LIMITED_KEYS, budgets::tokensUsedSince)
                        : Limits.redis(
                                redisUrl,
                                config.redis().prefix(),
                                config.limits().failOpen(),
                                budgets::tokensUsedSince));
        var u = config.usage();
        Optional<UsageRecorder> usage = Optional.empty();
        if (u.enabled()) {
            UsageRecorder recorder =
                    new UsageRecorder(store.dataSource(), u.queueSize(), u.batchSize(), u.flushInterval());
            usage = Optional.of(lifecycle.register(
                    "usage-queue",
                    "usage_records",
                    recorder,
                    u::queueSize,
                    () -> recorder.stats().queued()));
        }
        JobRuns runs = new JobRuns(store.dataSource());
        var se = config.sessions();
        var rs = config.responses();
        lifecycle.register(
                "retention",
                "usage_records,job_runs,sessions,stored_responses",
                new Retention(
                        store.dataSource(),
                        List.of(
                                new Retention.Policy("usage_records", "ts", u.maxAge(), u.maxRows()),
                                new Retention.Policy("job_runs", "started_at", Duration.ofDays(30), 10_000),
                                new Retention.Policy("sessions", "last_used_at", se.maxAge(), se.maxMessages()),
                                new Retention.Policy("session_messages", "created_at", se.maxAge(), se.maxMessages()),
                                new Retention.Policy(
                                        "stored_responses",
                                        "created_at",
                                        rs.maxAge(),
                                        rs.maxRows(),
                                        "size_bytes",
                                        rs.maxSize())),
                        u.retentionInterval(),
                        runs));
        SessionStore sessions =
                se.enabled() ? new SqlSessionStore(store.dataSource(), Translate.mapper()) : SessionStore.disabled();
        ResponseStore responses = rs.store()
                ? new SqlResponseStore(store.dataSource(), rs.maxSize() / 10, InstantSource.system())
                : ResponseStore.disabled();
        var c = config.cache();
        ResponseCache cache = ResponseCache.disabled();
        if (c.enabled()) {
            if (c.redisTier() && redisUrl.isEmpty()) {
                throw new IllegalStateException("cache.redis-tier is on but redis.url is not set");
            }
            TieredResponseCache rc = new TieredResponseCache(
                    c.memoryMaxBytes(),
                    c.maxEntryBytes(),
                    c.sqlTier() ? Optional.of(store.dataSource()) : Optional.empty(),
                    c.sqlMaxBytes(),
                    c.pruneInterval(),
                    c.redisTier() ? Optional.of(redisUrl) : Optional.empty(),
                    config.redis().prefix(),
                    runs,
                    Ticker.systemTicker(),
                    InstantSource.system());
            cache = lifecycle.register(
                    "response-cache",
                    "memory+" + (c.sqlTier() ? "sql" : "") + (c.redisTier() ? "+redis" : ""),
                    rc,
                    c::memoryMaxBytes,
                    () -> rc.stats().memoryBytes());
        }
        return new GatewayState(
                store,
                auth,
                adminFailures,
                limits,
                usage,
                queries,
                PriceTable.parse(u.prices()),
                cache,
                runs,
                sessions,
                responses,
                lifecycle.register(
                        "metrics",
                        "prometheus",
                        new GatewayMetrics(
                                config.routing().routes().keySet(),
                                config.routing().providers().keySet())),
                accessLog,
                lifecycle);
    }
}
