package dev.sluice.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;

/** One unit of work on one connection, committed whole or rolled back, the connection left in autocommit. */
public final class Transaction {

    /** The work: statements on {@code c}; commit and rollback are {@link #run}'s. */
    @FunctionalInterface
    public interface Work {
        void on(Connection c) throws SQLException;
    }

    private Transaction() {}

    /** Runs {@code work} on {@code c} in a transaction: committed when it returns, rolled back when it throws. */
    public static void run(Connection c, Work work) throws SQLException {
        c.setAutoCommit(false);
        try {
            work.on(c);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
