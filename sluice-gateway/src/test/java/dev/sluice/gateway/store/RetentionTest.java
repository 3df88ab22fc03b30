package dev.sluice.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.gateway.usage.UsageRecord;
import dev.sluice.gateway.usage.UsageRecorder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Retention deletes by age and by row count, on a schedule with no writes happening, and records its runs. */
class RetentionTest {

    static List<Store.Kind> kinds() {
        return TestDatabases.kinds();
    }

    static void insert(DataSource db, int n, long ts) {
        try (UsageRecorder r = new UsageRecorder(db, 10_000, 500, Duration.ofMillis(20))) {
            for (int i = 0; i < n; i++) {
                r.record(new UsageRecord(
                        "r-" + ts + "-" + i,
                        ts + i,
                        "k",
                        "t",
                        "m",
                        "p",
                        "m",
                        "anthropic",
                        false,
                        1,
                        1,
                        0,
                        0,
                        1,
                        1,
                        200,
                        "SUCCESS",
                        0));
            }
        }
    }

    static long count(DataSource db, String table) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void deletesByAgeThenByRowsOnAScheduleAndRecordsEachRun(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            DataSource db = store.dataSource();
            long now = System.currentTimeMillis();
            insert(db, 30, now - Duration.ofDays(10).toMillis());
            insert(db, 50, now);
            assertThat(count(db, "usage_records")).isEqualTo(80);
            JobRuns runs = new JobRuns(db);

            try (Retention retention = new Retention(
                    db,
                    List.of(new Retention.Policy("usage_records", "ts", Duration.ofDays(1), 20)),
                    Duration.ofMillis(200),
                    runs)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> count(db, "usage_records") == 20);
                await().atMost(Duration.ofSeconds(5)).until(() -> count(db, "job_runs") >= 2);
            }
            assertThat(runs.recent().get(0).job()).isEqualTo("retention-usage_records");
            assertThat(runs.recent().get(0).rowsDeleted()).isEqualTo(60);
            assertThat(runs.recent().get(1).rowsDeleted()).isZero();
            assertThat(store.leaks()).isEmpty();
        }
    }

    @AfterAll
    static void drop() {
        TestDatabases.dropTestSchemas();
    }
}
