package dev.sluice.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.responses.ResponseStore.Stored;
import dev.sluice.gateway.responses.SqlResponseStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Retention of {@code stored_responses} with the policy States registers (created_at; responses.max-age,
 * max-rows, and max-size summed over size_bytes): past each bound the oldest rows go, and what is left is
 * within every bound. Rows are written through {@link SqlResponseStore} with a clock the test sets, so each
 * has its own created_at.
 */
class StoredResponsesRetentionTest {

    private static final long MAX_BYTES = 10_000;

    static List<Store.Kind> kinds() {
        return TestDatabases.kinds();
    }

    record Row(String id, long createdAt, long sizeBytes) {}

    /** Writes {@code n} responses of various sizes, one second apart from {@code start}; returns their sizes. */
    static List<Long> put(DataSource db, String prefix, int n, long start, AtomicLong now) throws Exception {
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        SqlResponseStore store = new SqlResponseStore(db, MAX_BYTES / 10, clock);
        List<Long> sizes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            now.set(start + i * 1000L);
            // 300..930 bytes, not in order of age, with a two-byte character in each
            String input = "[\"é" + "x".repeat(250 + (i * 37) % 600) + "\"]";
            String response = "{\"id\":\"" + prefix + i + "\"}";
            assertThat(store.put("t", new Stored(prefix + i, input, response))).isTrue();
            sizes.add((long) input.getBytes(StandardCharsets.UTF_8).length
                    + response.getBytes(StandardCharsets.UTF_8).length);
        }
        return sizes;
    }

    static List<Row> rows(DataSource db) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT id, created_at, size_bytes FROM stored_responses ORDER BY created_at");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return rows;
    }

    static List<String> ids(List<Row> rows) {
        return rows.stream().map(Row::id).toList();
    }

    static long bytes(List<Row> rows) {
        return rows.stream().mapToLong(Row::sizeBytes).sum();
    }

    static Retention.Policy policy(Duration maxAge, long maxRows, long maxBytes) {
        return new Retention.Policy("stored_responses", "created_at", maxAge, maxRows, "size_bytes", maxBytes);
    }

    /** The newest suffix of {@code all} (oldest first) that fits {@code maxRows} and {@code maxBytes}. */
    static List<Row> newestFitting(List<Row> all, long maxRows, long maxBytes) {
        List<Row> kept = new ArrayList<>();
        long sum = 0;
        for (int i = all.size() - 1; i >= 0 && kept.size() < maxRows; i--) {
            sum += all.get(i).sizeBytes();
            if (sum > maxBytes) {
                break;
            }
            kept.add(0, all.get(i));
        }
        return kept;
    }

    /** Every kept row is newer than every deleted one. */
    static void oldestWentFirst(List<Row> before, List<Row> after) {
        List<Row> deleted = new ArrayList<>(before);
        deleted.removeAll(after);
        if (!deleted.isEmpty() && !after.isEmpty()) {
            long newestDeleted =
                    deleted.stream().mapToLong(Row::createdAt).max().orElseThrow();
            long oldestKept = after.stream().mapToLong(Row::createdAt).min().orElseThrow();
            assertThat(oldestKept).isGreaterThan(newestDeleted);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void pastMaxAgeTheOlderRowsAreDeleted(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            DataSource db = store.dataSource();
            long now = System.currentTimeMillis();
            put(db, "old-", 6, now - Duration.ofDays(10).toMillis(), new AtomicLong());
            put(db, "new-", 8, now - Duration.ofHours(1).toMillis(), new AtomicLong());
            List<Row> before = rows(db);
            assertThat(before).hasSize(14);

            long deleted = Retention.runOnce(db, policy(Duration.ofDays(1), 1_000, Long.MAX_VALUE), new JobRuns(db));

            List<Row> after = rows(db);
            assertThat(deleted).isEqualTo(6);
            assertThat(ids(after))
                    .containsExactly("new-0", "new-1", "new-2", "new-3", "new-4", "new-5", "new-6", "new-7");
            assertThat(after)
                    .allSatisfy(r -> assertThat(r.createdAt())
                            .isGreaterThanOrEqualTo(now - Duration.ofDays(1).toMillis()));
            assertThat(store.leaks()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void pastMaxRowsTheOldestAreDeleted(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            DataSource db = store.dataSource();
            put(db, "r-", 30, System.currentTimeMillis() - Duration.ofHours(1).toMillis(), new AtomicLong());
            List<Row> before = rows(db);

            long deleted = Retention.runOnce(db, policy(Duration.ofDays(1), 20, Long.MAX_VALUE), new JobRuns(db));

            List<Row> after = rows(db);
            assertThat(deleted).isEqualTo(10);
            assertThat(after).hasSize(20);
            assertThat(after).isEqualTo(before.subList(10, 30));
            assertThat(after.get(0).id()).isEqualTo("r-10");
            assertThat(Retention.runOnce(db, policy(Duration.ofDays(1), 20, Long.MAX_VALUE), new JobRuns(db)))
                    .isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void pastMaxSizeTheOldestAreDeletedAndTheRestFits(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            DataSource db = store.dataSource();
            List<Long> sizes = put(
                    db,
                    "b-",
                    30,
                    System.currentTimeMillis() - Duration.ofHours(1).toMillis(),
                    new AtomicLong());
            List<Row> before = rows(db);
            assertThat(before.stream().map(Row::sizeBytes).toList()).isEqualTo(sizes);
            assertThat(bytes(before)).isGreaterThan(MAX_BYTES);

            long deleted = Retention.runOnce(db, policy(Duration.ofDays(1), 1_000, MAX_BYTES), new JobRuns(db));

            List<Row> after = rows(db);
            List<Row> expected = newestFitting(before, 1_000, MAX_BYTES);
            assertThat(after).isEqualTo(expected);
            assertThat(deleted).isEqualTo(before.size() - expected.size());
            assertThat(bytes(after)).isLessThanOrEqualTo(MAX_BYTES);
            // no more than needed went: the newest deleted row would not have fitted
            Row newestDeleted = before.get(before.size() - after.size() - 1);
            assertThat(bytes(after) + newestDeleted.sizeBytes()).isGreaterThan(MAX_BYTES);
            oldestWentFirst(before, after);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void pastAllThreeBoundsAtOnceWhatIsLeftIsWithinEach(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            DataSource db = store.dataSource();
            long now = System.currentTimeMillis();
            put(db, "old-", 5, now - Duration.ofDays(40).toMillis(), new AtomicLong());
            put(db, "new-", 40, now - Duration.ofHours(2).toMillis(), new AtomicLong());
            List<Row> before = rows(db);
            Retention.Policy p = policy(Duration.ofDays(30), 25, MAX_BYTES);

            long deleted = Retention.runOnce(db, p, new JobRuns(db));

            List<Row> after = rows(db);
            List<Row> expected = newestFitting(before.subList(5, 45), 25, MAX_BYTES);
            assertThat(after).isEqualTo(expected);
            assertThat(deleted).isEqualTo(45 - expected.size());
            assertThat(after).hasSizeLessThanOrEqualTo(25);
            assertThat(bytes(after)).isLessThanOrEqualTo(MAX_BYTES);
            assertThat(ids(after)).noneMatch(id -> id.startsWith("old-"));
            oldestWentFirst(before, after);
            JobRuns runs = new JobRuns(db);
            assertThat(Retention.runOnce(db, p, runs)).isZero();
            assertThat(runs.recent().get(0).job()).isEqualTo("retention-stored_responses");
            assertThat(store.leaks()).isEmpty();
        }
    }

    @AfterAll
    static void drop() {
        TestDatabases.dropTestSchemas();
    }
}
