package dev.sluice.gateway.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Usage totals for a key or a tenant over a period {@code [from, to)} (epoch millis), overall and per model. */
public final class UsageQueries {

    /** Sums over a set of records. */
    public record Totals(
            String model,
            long requests,
            long inputTokens,
            long outputTokens,
            long cacheReadTokens,
            long cacheWriteTokens,
            long costMicros,
            long errors) {}

    /** Totals overall and per model (largest cost first). */
    public record Report(
            @Nullable String keyId, @Nullable String tenant, long from, long to, Totals totals, List<Totals> byModel) {}

    private static final String SUMS = "COUNT(*), COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0),"
            + " COALESCE(SUM(cache_read_tokens),0), COALESCE(SUM(cache_write_tokens),0), COALESCE(SUM(cost_micros),0),"
            + " COALESCE(SUM(CASE WHEN status >= 400 OR outcome <> 'SUCCESS' THEN 1 ELSE 0 END),0)";

    private final DataSource db;

    public UsageQueries(DataSource db) {
        this.db = db;
    }

    /** Usage of {@code keyId} (or, when null, of {@code tenant}) between {@code from} and {@code to}. */
    public Report report(@Nullable String keyId, @Nullable String tenant, long from, long to) throws SQLException {
        String column = keyId != null ? "key_id" : "tenant";
        String value = keyId != null ? keyId : Objects.requireNonNull(tenant, "a key id or a tenant");
        String where = " FROM usage_records WHERE " + column + " = ? AND ts >= ? AND ts < ?";
        try (Connection c = db.getConnection()) {
            Totals all;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SUMS + where)) {
                bind(ps, value, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    all = totals("*", rs, 1);
                }
            }
            List<Totals> byModel = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT model, " + SUMS + where + " GROUP BY model ORDER BY 7 DESC, 2 DESC")) {
                bind(ps, value, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && byModel.size() < 1000) {
                        byModel.add(totals(rs.getString(1), rs, 2));
                    }
                }
            }
            return new Report(keyId, tenant, from, to, all, byModel);
        }
    }

    private static void bind(PreparedStatement ps, String value, long from, long to) throws SQLException {
        ps.setString(1, value);
        ps.setLong(2, from);
        ps.setLong(3, to);
    }

    private static Totals totals(String model, ResultSet rs, int first) throws SQLException {
        return new Totals(
                model,
                rs.getLong(first),
                rs.getLong(first + 1),
                rs.getLong(first + 2),
                rs.getLong(first + 3),
                rs.getLong(first + 4),
                rs.getLong(first + 5),
                rs.getLong(first + 6));
    }
}
