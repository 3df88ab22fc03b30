package dev.sluice.gateway.cache;

import dev.sluice.gateway.store.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/** The persistent tier: one row per entry; pruned of expired rows and, over its byte bound, of the oldest. */
final class SqlTier {

    private static final int CHUNK = 500;
    private final DataSource db;
    private final long maxBytes;

    SqlTier(DataSource db, long maxBytes) {
        this.db = db;
        this.maxBytes = maxBytes;
    }

    Optional<byte[]> get(String key, long now) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT body FROM response_cache WHERE cache_key = ? AND expires_at > ?")) {
            ps.setString(1, key);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    void put(String key, String tenant, CachedAnswer a, byte[] body) throws SQLException {
        try (Connection c = db.getConnection()) {
            Transaction.run(c, tx -> {
                try (PreparedStatement del = tx.prepareStatement("DELETE FROM response_cache WHERE cache_key = ?");
                        PreparedStatement ins = tx.prepareStatement("INSERT INTO response_cache (cache_key, tenant,"
                                + " created_at, expires_at, size_bytes, body) VALUES (?,?,?,?,?,?)")) {
                    del.setString(1, key);
                    del.executeUpdate();
                    ins.setString(1, key);
                    ins.setString(2, tenant);
                    ins.setLong(3, a.storedAt());
                    ins.setLong(4, a.expiresAt());
                    ins.setLong(5, body.length);
                    ins.setBytes(6, body);
                    ins.executeUpdate();
                }
            });
        }
    }

    /** Deletes expired rows, then the oldest while over the byte bound, in chunks; returns rows deleted. */
    long prune(long now) throws SQLException {
        long deleted = 0;
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM response_cache WHERE expires_at <= ?")) {
                ps.setLong(1, now);
                deleted += ps.executeUpdate();
            }
            long excess = totalBytes(c) - maxBytes;
            while (excess > 0) { // oldest first, only as many as free the excess
                long cutoff = Long.MIN_VALUE;
                long freed = 0;
                try (PreparedStatement ps = c.prepareStatement(
                                "SELECT created_at, size_bytes FROM response_cache ORDER BY created_at LIMIT "
                                        + CHUNK);
                        ResultSet rs = ps.executeQuery()) {
                    while (freed < excess && rs.next()) {
                        cutoff = rs.getLong(1);
                        freed += rs.getLong(2);
                    }
                }
                if (cutoff == Long.MIN_VALUE) {
                    break;
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM response_cache WHERE created_at <= ?")) {
                    ps.setLong(1, cutoff);
                    int n = ps.executeUpdate();
                    deleted += n;
                    if (n == 0) {
                        break;
                    }
                }
                excess = totalBytes(c) - maxBytes;
            }
        }
        return deleted;
    }

    long rows() throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM response_cache");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long totalBytes(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(size_bytes), 0) FROM response_cache");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
