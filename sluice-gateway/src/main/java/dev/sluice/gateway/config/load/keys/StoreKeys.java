package dev.sluice.gateway.config.load.keys;

import static dev.sluice.gateway.config.load.keys.KeyRow.row;
import static dev.sluice.gateway.config.load.value.ValueType.BOOLEAN;
import static dev.sluice.gateway.config.load.value.ValueType.DURATION;
import static dev.sluice.gateway.config.load.value.ValueType.DURATION_OR_ZERO;
import static dev.sluice.gateway.config.load.value.ValueType.JDBC_URL;
import static dev.sluice.gateway.config.load.value.ValueType.POSITIVE_INT;
import static dev.sluice.gateway.config.load.value.ValueType.SECRET;
import static dev.sluice.gateway.config.load.value.ValueType.SIZE;
import static dev.sluice.gateway.config.load.value.ValueType.TEXT;
import static dev.sluice.gateway.config.load.value.ValueType.TEXT_LIST;

import java.util.List;

/**
 * The keys of state (the SQL store, Redis, the answer cache, usage records, retention, sessions): a
 * section of the registry's table, in the order of docs/configuration.md.
 */
public final class StoreKeys {
    // spotless:off -- a table: one key per row reads better than the formatter's one argument per line
    public static final List<KeyRow> ROWS = List.of(
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
                    c -> c.sessions().maxMessages()));
    // spotless:on

    private StoreKeys() {}
}
