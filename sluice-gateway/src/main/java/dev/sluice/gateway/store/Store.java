package dev.sluice.gateway.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.sluice.core.LeakSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The SQL database: a bounded HikariCP pool over SQLite (one instance; WAL, busy timeout) or
 * PostgreSQL (several instances), migrated by Flyway from {@code db/migration} on open. Every
 * statement is run in try-with-resources by its caller; {@link #leaks()} reports connections still
 * borrowed, so the leak check catches one that was not returned.
 */
public final class Store implements AutoCloseable, LeakSource {

    /** The two databases Sluice supports. */
    public enum Kind {
        SQLITE,
        POSTGRESQL
    }

    private final HikariDataSource pool;
    private final Kind kind;

    private Store(HikariDataSource pool, Kind kind) {
        this.pool = pool;
        this.kind = kind;
    }

    /** Opens the pool and applies pending migrations; fails with the cause if the database is unusable. */
    public static Store open(StoreSettings s) {
        Kind kind = kindOf(s.url());
        HikariConfig c = new HikariConfig();
        c.setPoolName("sluice-store");
        c.setJdbcUrl(s.url());
        if (!s.user().isEmpty()) {
            c.setUsername(s.user());
        }
        if (!s.password().isEmpty()) {
            c.setPassword(s.password());
        }
        c.setMaximumPoolSize(s.maxPoolSize());
        c.setMinimumIdle(Math.min(1, s.maxPoolSize()));
        c.setConnectionTimeout(Math.max(250, s.connectionTimeout().toMillis()));
        c.setInitializationFailTimeout(-1); // start even when the database is down; calls fail until it is back
        if (!s.leakDetection().isZero()) {
            c.setLeakDetectionThreshold(Math.max(2000, s.leakDetection().toMillis()));
        }
        if (kind == Kind.SQLITE) {
            createParent(s.url());
            c.addDataSourceProperty("journal_mode", "WAL");
            c.addDataSourceProperty("busy_timeout", "5000");
            c.addDataSourceProperty("synchronous", "NORMAL");
        }
        if (kind == Kind.POSTGRESQL) {
            // a JDBC batch (the usage writer's) goes as multi-row INSERTs: 68-81k against 46-56k usage rows/s here
            // (./sluice-bench-run usage --store-url ...; docs/benchmarks.md)
            c.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource pool = new HikariDataSource(c);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .placeholders(Map.of("blob", kind == Kind.SQLITE ? "BLOB" : "BYTEA"))
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot open the store at " + redact(s.url()) + ": " + e.getMessage(), e);
        }
        return new Store(pool, kind);
    }

    public DataSource dataSource() {
        return pool;
    }

    public Kind kind() {
        return kind;
    }

    /** Connections borrowed now. */
    public int activeConnections() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getActiveConnections();
    }

    /** Connections open and idle now. */
    public int idleConnections() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getIdleConnections();
    }

    /** Callers waiting for a connection now. */
    public int pendingThreads() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getThreadsAwaitingConnection();
    }

    public int maxPoolSize() {
        return pool.getMaximumPoolSize();
    }

    @Override
    public String leakSourceName() {
        return "store " + kind;
    }

    @Override
    public List<String> leaks() {
        int active = pool.isClosed() ? 0 : activeConnections();
        return active == 0 ? List.of() : List.of("store connections borrowed=" + active + " (expected 0)");
    }

    @Override
    public void close() {
        pool.close();
    }

    static Kind kindOf(String url) {
        if (url.startsWith("jdbc:sqlite:")) {
            return Kind.SQLITE;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return Kind.POSTGRESQL;
        }
        throw new StoreException(
                "store.url must start with jdbc:sqlite: or jdbc:postgresql:, was " + redact(url), null);
    }

    /** The URL without credentials or query parameters, for messages. */
    static String redact(String url) {
        String u = url.replaceAll("//[^/@]*@", "//");
        int q = u.indexOf('?');
        return q < 0 ? u : u.substring(0, q);
    }

    private static void createParent(String url) {
        String file = url.substring("jdbc:sqlite:".length());
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the directory " + parent + " for the store: " + e.getMessage(), e);
        }
    }
}
