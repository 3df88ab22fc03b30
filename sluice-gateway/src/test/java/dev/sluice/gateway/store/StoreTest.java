package dev.sluice.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The store opens, migrates and pools on SQLite and PostgreSQL alike, and reports borrowed connections. */
class StoreTest {

    static java.util.List<Store.Kind> kinds() {
        return TestDatabases.kinds();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void migratesAndRoundTripsARowAndReportsABorrowedConnection(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            assertThat(store.kind()).isEqualTo(kind);
            try (Connection c = store.dataSource().getConnection()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO job_runs (id, job, started_at, rows_deleted) VALUES (?, ?, ?, ?)")) {
                    ps.setLong(1, 7);
                    ps.setString(2, "test");
                    ps.setLong(3, 1000);
                    ps.setLong(4, 3);
                    ps.executeUpdate();
                }
                assertThat(store.leaks()).singleElement().asString().contains("borrowed=1");
                try (PreparedStatement ps = c.prepareStatement("SELECT rows_deleted FROM job_runs WHERE id = ?")) {
                    ps.setLong(1, 7);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(3);
                    }
                }
            }
            assertThat(store.leaks()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void reopeningAMigratedDatabaseIsANoOp(Store.Kind kind) throws Exception {
        StoreSettings s = TestDatabases.settings(kind);
        Store.open(s).close();
        try (Store again = Store.open(s)) {
            assertThat(again.leaks()).isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void anUnsupportedUrlIsRefusedWithoutItsCredentials() {
        assertThatThrownBy(() -> Store.open(new StoreSettings(
                        "jdbc:mysql://u:secret@h/db",
                        "",
                        "",
                        2,
                        java.time.Duration.ofSeconds(1),
                        java.time.Duration.ZERO)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("jdbc:sqlite:")
                .hasMessageNotContaining("secret");
    }

    @org.junit.jupiter.api.Test
    void aConnectionHeldPastTheLeakThresholdIsReportedByTheWatch() throws Exception {
        HikariLeakWatch.install();
        HikariLeakWatch.drain();
        try (Store store = Store.open(TestDatabases.settings(Store.Kind.SQLITE));
                Connection held = store.dataSource().getConnection()) {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> !HikariLeakWatch.drain().isEmpty());
            assertThat(held.isValid(1)).isTrue();
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void dropSchemas() {
        TestDatabases.dropTestSchemas();
    }
}
