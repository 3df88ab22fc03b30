package dev.sluice.gateway.usage;

import dev.sluice.gateway.store.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** The database side of {@link UsageRecorder}: one batch of usage records written in one transaction. */
final class UsageInsert {

    private static final String INSERT = "INSERT INTO usage_records (id, ts, key_id, tenant, model, provider,"
            + " upstream_model, dialect, stream, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
            + " latency_ms, ttft_ms, status, outcome, cost_micros) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private UsageInsert() {}

    static void insert(DataSource db, List<UsageRecord> batch) throws SQLException {
        try (Connection c = db.getConnection()) {
            Transaction.run(c, tx -> {
                try (PreparedStatement ps = tx.prepareStatement(INSERT)) {
                    for (UsageRecord r : batch) {
                        bind(ps, r);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            });
        }
    }

    private static void bind(PreparedStatement ps, UsageRecord r) throws SQLException {
        ps.setString(1, r.id());
        ps.setLong(2, r.timestamp());
        ps.setString(3, r.keyId());
        ps.setString(4, r.tenant());
        ps.setString(5, r.model());
        ps.setString(6, r.provider());
        ps.setString(7, r.upstreamModel());
        ps.setString(8, r.dialect());
        ps.setInt(9, r.stream() ? 1 : 0);
        ps.setLong(10, r.inputTokens());
        ps.setLong(11, r.outputTokens());
        ps.setLong(12, r.cacheReadTokens());
        ps.setLong(13, r.cacheWriteTokens());
        ps.setLong(14, r.latencyMs());
        ps.setLong(15, r.ttftMs());
        ps.setInt(16, r.status());
        ps.setString(17, r.outcome());
        ps.setLong(18, r.costMicros());
    }
}
