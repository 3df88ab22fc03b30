package dev.sluice.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * V8 rebuilds usage_records without the unique id: a database written by an older Sluice keeps every row and
 * index, and afterwards a repeated request id is one more row instead of a failed batch.
 */
class UsageRecordsMigrationTest {

    static List<Store.Kind> kinds() {
        return TestDatabases.kinds();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void rowsWrittenBeforeV8SurviveItAndARepeatedIdIsAcceptedAfter(Store.Kind kind) throws Exception {
        StoreSettings settings = TestDatabases.settings(kind);
        Flyway.configure()
                .dataSource(settings.url(), settings.user(), settings.password())
                .locations("classpath:db/migration")
                .placeholders(Map.of("blob", kind == Store.Kind.SQLITE ? "BLOB" : "BYTEA"))
                .target("7")
                .load()
                .migrate();
        try (Connection c = java.sql.DriverManager.getConnection(settings.url(), settings.user(), settings.password());
                Statement s = c.createStatement()) {
            s.execute(insert("req_a", 1000, "k1", 10));
            s.execute(insert("req_b", 2000, "k2", 20));
        }

        try (Store store = Store.open(settings);
                Connection c = store.dataSource().getConnection();
                Statement s = c.createStatement()) {
            assertThat(rows(s)).containsExactly("req_a 1000 k1 10", "req_b 2000 k2 20");
            s.execute(insert("req_a", 3000, "k1", 30));
            assertThat(rows(s)).containsExactly("req_a 1000 k1 10", "req_b 2000 k2 20", "req_a 3000 k1 30");
            assertThat(indexes(c)).contains("usage_records_key_ts", "usage_records_tenant_ts", "usage_records_ts");
        }
    }

    private static String insert(String id, long ts, String key, long input) {
        return "INSERT INTO usage_records (id, ts, key_id, tenant, model, provider, upstream_model, dialect, stream,"
                + " input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, ttft_ms, status,"
                + " outcome, cost_micros) VALUES ('" + id + "', " + ts + ", '" + key + "', 't', 'm', 'p', 'um',"
                + " 'anthropic', 0, " + input + ", 1, 0, 0, 5, 2, 200, 'SUCCESS', 7)";
    }

    private static List<String> rows(Statement s) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery("SELECT id, ts, key_id, input_tokens FROM usage_records ORDER BY ts")) {
            while (r.next()) {
                rows.add(r.getString(1) + " " + r.getLong(2) + " " + r.getString(3) + " " + r.getLong(4));
            }
        }
        return rows;
    }

    private static List<String> indexes(Connection c) throws Exception {
        List<String> names = new ArrayList<>();
        try (ResultSet r = c.getMetaData().getIndexInfo(null, null, "usage_records", false, false)) {
            while (r.next()) {
                if (r.getString("INDEX_NAME") != null) {
                    names.add(r.getString("INDEX_NAME").toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return names;
    }

    @AfterAll
    static void drop() {
        TestDatabases.dropTestSchemas();
    }
}
