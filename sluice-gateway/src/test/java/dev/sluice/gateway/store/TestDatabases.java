package dev.sluice.gateway.store;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases a store test runs against: always a fresh SQLite file, and PostgreSQL at
 * 127.0.0.1:5432 (database {@code test}, trust auth) in a fresh schema when it is reachable. When it
 * is not, PostgreSQL cases are skipped with a message — except under {@code CI=true}, where they fail.
 */
public final class TestDatabases {

    public static final String POSTGRES_BASE = "jdbc:postgresql://127.0.0.1:5432/test";
    /** Schemas this JVM created: only these are dropped (another build may share the database). */
    private static final java.util.Set<String> CREATED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private TestDatabases() {}

    /** The kinds to parameterize over: SQLITE, and POSTGRESQL (which may skip at {@link #settings}). */
    public static List<Store.Kind> kinds() {
        return List.of(Store.Kind.SQLITE, Store.Kind.POSTGRESQL);
    }

    /** Settings for a fresh, empty database of {@code kind}; skips (or fails under CI) when PostgreSQL is down. */
    public static StoreSettings settings(Store.Kind kind) throws Exception {
        if (kind == Store.Kind.SQLITE) {
            Path dir = Files.createTempDirectory("sluice-store-test");
            dir.toFile().deleteOnExit();
            return StoreSettings.sqlite(dir.resolve("sluice.db"));
        }
        requirePostgres();
        String schema = "t_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(POSTGRES_BASE, "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        CREATED.add(schema);
        return new StoreSettings(
                POSTGRES_BASE + "?currentSchema=" + schema,
                "postgres",
                "",
                4,
                Duration.ofSeconds(5),
                Duration.ofSeconds(2));
    }

    /** Skips the test when PostgreSQL is unreachable, unless CI=true (then it must be there). */
    public static void requirePostgres() {
        boolean up = reachable("127.0.0.1", 5432);
        if (!up && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but PostgreSQL is not reachable at 127.0.0.1:5432");
        }
        Assumptions.assumeTrue(up, "PostgreSQL not reachable at 127.0.0.1:5432: PostgreSQL case skipped");
    }

    /** Skips the test when Redis is unreachable, unless CI=true (then it must be there). */
    public static void requireRedis() {
        boolean up = reachable("127.0.0.1", 6379);
        if (!up && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but Redis is not reachable at 127.0.0.1:6379");
        }
        Assumptions.assumeTrue(up, "Redis not reachable at 127.0.0.1:6379: Redis case skipped");
    }

    /** Drops the PostgreSQL schemas this JVM's tests created (best effort). */
    public static void dropTestSchemas() {
        if (CREATED.isEmpty() || !reachable("127.0.0.1", 5432)) {
            return;
        }
        List<String> names = new ArrayList<>(CREATED);
        try (Connection c = DriverManager.getConnection(POSTGRES_BASE, "postgres", "")) {
            for (String n : names) {
                try (Statement drop = c.createStatement()) {
                    drop.execute("DROP SCHEMA IF EXISTS " + n + " CASCADE");
                }
                CREATED.remove(n);
            }
        } catch (SQLException ignored) {
            // best effort
        }
    }

    static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
