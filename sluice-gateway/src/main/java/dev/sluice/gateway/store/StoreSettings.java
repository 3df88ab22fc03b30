package dev.sluice.gateway.store;

import java.time.Duration;

/**
 * How to reach the database: a JDBC URL ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://...}),
 * credentials, the pool bound, how long a caller waits for a connection, and HikariCP's leak
 * detection threshold (zero: off; tests set it so a connection held too long fails the build).
 */
public record StoreSettings(
        String url, String user, String password, int maxPoolSize, Duration connectionTimeout, Duration leakDetection) {

    /** A SQLite file store with test-friendly defaults. */
    public static StoreSettings sqlite(java.nio.file.Path file) {
        return new StoreSettings("jdbc:sqlite:" + file, "", "", 4, Duration.ofSeconds(5), Duration.ofSeconds(2));
    }
}
