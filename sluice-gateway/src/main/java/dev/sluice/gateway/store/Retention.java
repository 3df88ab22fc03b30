package dev.sluice.gateway.store;

import dev.sluice.core.Supervised;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Retention per table, as supervised jobs (a failing run is logged, recorded and retried with backoff;
 * it never kills the scheduler): rows older than {@code maxAge} by their time column are deleted, then
 * the oldest beyond {@code maxRows}; each run recorded in {@code job_runs}. Runs on a schedule, whether
 * or not anything is being written.
 */
public final class Retention implements AutoCloseable {

    /** One table's policy. */
    public record Policy(String table, String timeColumn, Duration maxAge, long maxRows) {
        public Policy {
            if (!table.matches("[a-z_]+") || !timeColumn.matches("[a-z_]+")) {
                throw new IllegalArgumentException("table and column names are identifiers: " + table + "." + timeColumn);
            }
        }
    }

    private final List<Supervised> jobs = new ArrayList<>();

    public Retention(DataSource db, List<Policy> policies, Duration every, JobRuns runs) {
        for (Policy p : policies) {
            jobs.add(Supervised.builder("retention-" + p.table(), every, () -> runOnce(db, p, runs))
                    .initialDelay(every).start());
        }
    }

    /** Applies {@code p} once and records the run; rethrows a failure so the supervisor backs off. */
    public static long runOnce(DataSource db, Policy p, JobRuns runs) {
        long start = System.currentTimeMillis();
        try {
            long deleted = apply(db, p, start);
            runs.record(new JobRuns.Run("retention-" + p.table(), start, System.currentTimeMillis(), deleted, ""));
            return deleted;
        } catch (SQLException | RuntimeException e) {
            runs.record(new JobRuns.Run("retention-" + p.table(), start, System.currentTimeMillis(), 0,
                    String.valueOf(e.getMessage())));
            throw new IllegalStateException("retention of " + p.table() + " failed: " + e.getMessage(), e);
        }
    }

    private static long apply(DataSource db, Policy p, long now) throws SQLException {
        long deleted = 0;
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM " + p.table() + " WHERE " + p.timeColumn() + " < ?")) {
                ps.setLong(1, now - p.maxAge().toMillis());
                deleted += ps.executeUpdate();
            }
            long cutoff = Long.MIN_VALUE;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + p.timeColumn() + " FROM " + p.table()
                    + " ORDER BY " + p.timeColumn() + " DESC LIMIT 1 OFFSET ?")) {
                ps.setLong(1, p.maxRows());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        cutoff = rs.getLong(1);
                    }
                }
            }
            if (cutoff != Long.MIN_VALUE) {
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM " + p.table() + " WHERE " + p.timeColumn() + " <= ?")) {
                    ps.setLong(1, cutoff);
                    deleted += ps.executeUpdate();
                }
            }
        }
        return deleted;
    }

    @Override
    public void close() {
        jobs.forEach(Supervised::close);
    }
}
