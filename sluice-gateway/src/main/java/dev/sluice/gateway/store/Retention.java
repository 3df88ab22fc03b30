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

    /**
     * One table's policy: rows older than {@code maxAge}, then the oldest beyond {@code maxRows}, then (when
     * {@code sizeColumn} is not empty) the oldest beyond {@code maxBytes} summed over that column.
     */
    public record Policy(
            String table, String timeColumn, Duration maxAge, long maxRows, String sizeColumn, long maxBytes) {
        public Policy {
            if (!table.matches("[a-z_]+") || !timeColumn.matches("[a-z_]+") || !sizeColumn.matches("[a-z_]*")) {
                throw new IllegalArgumentException(
                        "table and column names are identifiers: " + table + "." + timeColumn);
            }
        }

        public Policy(String table, String timeColumn, Duration maxAge, long maxRows) {
            this(table, timeColumn, maxAge, maxRows, "", Long.MAX_VALUE);
        }
    }

    private final List<Supervised> jobs = new ArrayList<>();

    public Retention(DataSource db, List<Policy> policies, Duration every, JobRuns runs) {
        for (Policy p : policies) {
            jobs.add(Supervised.builder("retention-" + p.table(), every, () -> runOnce(db, p, runs))
                    .initialDelay(every)
                    .start());
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
            runs.record(new JobRuns.Run(
                    "retention-" + p.table(), start, System.currentTimeMillis(), 0, String.valueOf(e.getMessage())));
            throw new IllegalStateException("retention of " + p.table() + " failed: " + e.getMessage(), e);
        }
    }

    private static long apply(DataSource db, Policy p, long now) throws SQLException {
        long deleted = 0;
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM " + p.table() + " WHERE " + p.timeColumn() + " < ?")) {
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
            deleted += deleteUpTo(c, p, cutoff);
            if (!p.sizeColumn().isEmpty()) {
                deleted += deleteUpTo(c, p, bytesCutoff(c, p));
            }
        }
        return deleted;
    }

    /** The time of the newest row that no longer fits {@code maxBytes}, counting from the newest. */
    private static long bytesCutoff(Connection c, Policy p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + p.timeColumn() + ", " + p.sizeColumn() + " FROM "
                + p.table() + " ORDER BY " + p.timeColumn() + " DESC")) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                long sum = 0;
                while (rs.next()) {
                    sum += rs.getLong(2);
                    if (sum > p.maxBytes()) {
                        return rs.getLong(1);
                    }
                }
            }
        }
        return Long.MIN_VALUE;
    }

    private static long deleteUpTo(Connection c, Policy p, long cutoff) throws SQLException {
        if (cutoff == Long.MIN_VALUE) {
            return 0;
        }
        try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM " + p.table() + " WHERE " + p.timeColumn() + " <= ?")) {
            ps.setLong(1, cutoff);
            return ps.executeUpdate();
        }
    }

    @Override
    public void close() {
        jobs.forEach(Supervised::close);
    }
}
