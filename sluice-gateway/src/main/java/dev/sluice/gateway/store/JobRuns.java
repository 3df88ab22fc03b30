package dev.sluice.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * Records each run of a background job (start, end, rows deleted, error) in the {@code job_runs} table
 * and keeps the last few in memory for {@code /system/stats}. Recording never throws: a run that cannot
 * be written is still kept in memory.
 */
public final class JobRuns {

    /** One run. {@code error} is empty when it succeeded. */
    public record Run(String job, long startedAt, long endedAt, long rowsDeleted, String error) {}

    private static final int KEEP = 32;
    private final DataSource db;
    private final ArrayDeque<Run> recent = new ArrayDeque<>(KEEP);

    public JobRuns(DataSource db) {
        this.db = db;
    }

    public void record(Run run) {
        synchronized (recent) {
            if (recent.size() == KEEP) {
                recent.pollFirst();
            }
            recent.addLast(run);
        }
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO job_runs (id, job, started_at, ended_at,"
                        + " rows_deleted, error) VALUES (?,?,?,?,?,?)")) {
            ps.setLong(1, ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            ps.setString(2, run.job());
            ps.setLong(3, run.startedAt());
            ps.setLong(4, run.endedAt());
            ps.setLong(5, run.rowsDeleted());
            ps.setString(
                    6,
                    run.error().isEmpty()
                            ? null
                            : run.error().substring(0, Math.min(900, run.error().length())));
            ps.executeUpdate();
        } catch (SQLException | RuntimeException ignored) {
            // the database may be the reason the job failed; the run stays visible in memory
        }
    }

    /** The most recent runs, oldest first. */
    public List<Run> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }
}
