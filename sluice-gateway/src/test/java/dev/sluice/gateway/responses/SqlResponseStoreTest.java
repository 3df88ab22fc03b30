package dev.sluice.gateway.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.responses.ResponseStore.Stored;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.store.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SqlResponseStore} on SQLite and PostgreSQL: what is put comes back for its tenant only, delete
 * removes it, and an entry over the store's max entry size (responses.max-size / 10, as States builds it)
 * is refused and not kept.
 */
class SqlResponseStoreTest {

    private static final long MAX_SIZE = 10_000;
    private static final long MAX_ENTRY = MAX_SIZE / 10;
    private static final long CREATED = 1_700_000_000_000L;

    static List<Store.Kind> kinds() {
        return TestDatabases.kinds();
    }

    static SqlResponseStore responses(DataSource db) {
        return new SqlResponseStore(db, MAX_ENTRY, InstantSource.fixed(Instant.ofEpochMilli(CREATED)));
    }

    static long count(DataSource db) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM stored_responses");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** An entry whose input and response come to exactly {@code bytes} UTF-8 bytes. */
    static Stored sized(String id, int bytes) {
        String response = "{\"id\":\"" + id + "\",\"output\":[]}";
        int left = bytes - response.getBytes(StandardCharsets.UTF_8).length - "[\"é\"]".length() - 1;
        Stored s = new Stored(id, "[\"é" + "x".repeat(left) + "\"]", response);
        assertThat(s.input().getBytes(StandardCharsets.UTF_8).length
                        + s.response().getBytes(StandardCharsets.UTF_8).length)
                .isEqualTo(bytes);
        return s;
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void putGetForItsTenantOnlyThenDelete(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            DataSource db = store.dataSource();
            SqlResponseStore responses = responses(db);
            assertThat(responses.enabled()).isTrue();
            Stored first = new Stored(
                    "resp_1",
                    "[{\"type\":\"message\",\"role\":\"user\",\"content\":\"héllo ✓\"}]",
                    "{\"id\":\"resp_1\",\"output_text\":\"hi\"}");

            assertThat(responses.put("acme", first)).isTrue();

            assertThat(responses.get("acme", "resp_1")).contains(first);
            assertThat(responses.get("other", "resp_1")).isEmpty();
            assertThat(responses.get("acme", "resp_2")).isEmpty();
            try (Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT created_at, size_bytes FROM stored_responses WHERE tenant = 'acme' AND id = 'resp_1'");
                    ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(CREATED);
                assertThat(rs.getLong(2))
                        .isEqualTo(first.input().getBytes(StandardCharsets.UTF_8).length
                                + first.response().getBytes(StandardCharsets.UTF_8).length);
            }

            // another tenant cannot delete it, and may keep its own response under the same id
            assertThat(responses.delete("other", "resp_1")).isFalse();
            assertThat(responses.get("acme", "resp_1")).contains(first);
            Stored theirs = new Stored("resp_1", "[]", "{\"id\":\"resp_1\",\"output_text\":\"theirs\"}");
            assertThat(responses.put("other", theirs)).isTrue();
            assertThat(responses.get("other", "resp_1")).contains(theirs);
            assertThat(responses.get("acme", "resp_1")).contains(first);

            // a second put of the same id replaces the first
            Stored replaced = new Stored("resp_1", "[]", "{\"id\":\"resp_1\",\"output_text\":\"again\"}");
            assertThat(responses.put("acme", replaced)).isTrue();
            assertThat(responses.get("acme", "resp_1")).contains(replaced);
            assertThat(count(db)).isEqualTo(2);

            assertThat(responses.delete("acme", "resp_1")).isTrue();
            assertThat(responses.get("acme", "resp_1")).isEmpty();
            assertThat(responses.delete("acme", "resp_1")).isFalse();
            assertThat(responses.get("other", "resp_1")).contains(theirs);
            assertThat(count(db)).isEqualTo(1);
            assertThat(store.leaks()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void anEntryOverATenthOfMaxSizeIsRefusedAndNotKept(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            DataSource db = store.dataSource();
            SqlResponseStore responses = responses(db);
            Stored atLimit = sized("resp_fits", (int) MAX_ENTRY);
            Stored overLimit = sized("resp_big", (int) MAX_ENTRY + 1);

            assertThat(responses.put("acme", atLimit)).isTrue();
            assertThat(responses.put("acme", overLimit)).isFalse();

            assertThat(responses.get("acme", "resp_fits")).contains(atLimit);
            assertThat(responses.get("acme", "resp_big")).isEmpty();
            assertThat(responses.delete("acme", "resp_big")).isFalse();
            assertThat(count(db)).isEqualTo(1);
            assertThat(store.leaks()).isEmpty();
        }
    }

    @AfterAll
    static void drop() {
        TestDatabases.dropTestSchemas();
    }
}
