package dev.sluice.gateway.responses;

import dev.sluice.gateway.store.Transaction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Stored responses in the state store (SQLite or PostgreSQL), keyed by tenant and id. Bounded: a response
 * larger than {@code maxEntryBytes} (input and answer together) is not kept; age, row count and total bytes
 * are held by retention ({@code responses.max-age}, {@code max-rows}, {@code max-size}).
 */
public final class SqlResponseStore implements ResponseStore {

    private final DataSource db;
    private final long maxEntryBytes;
    private final InstantSource clock;

    public SqlResponseStore(DataSource db, long maxEntryBytes, InstantSource clock) {
        this.db = db;
        this.maxEntryBytes = maxEntryBytes;
        this.clock = clock;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Optional<Stored> get(String tenant, String id) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT input_json, response_json FROM stored_responses WHERE tenant = ? AND id = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Stored(id, rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    @Override
    public boolean put(String tenant, Stored stored) throws SQLException {
        long size = (long) stored.input().getBytes(StandardCharsets.UTF_8).length
                + stored.response().getBytes(StandardCharsets.UTF_8).length;
        if (size > maxEntryBytes) {
            return false;
        }
        try (Connection c = db.getConnection()) {
            Transaction.run(c, tx -> {
                delete(tx, tenant, stored.id());
                try (PreparedStatement ps = tx.prepareStatement("INSERT INTO stored_responses (id, tenant, created_at,"
                        + " size_bytes, input_json, response_json) VALUES (?,?,?,?,?,?)")) {
                    ps.setString(1, stored.id());
                    ps.setString(2, tenant);
                    ps.setLong(3, clock.millis());
                    ps.setLong(4, size);
                    ps.setString(5, stored.input());
                    ps.setString(6, stored.response());
                    ps.executeUpdate();
                }
            });
        }
        return true;
    }

    @Override
    public boolean delete(String tenant, String id) throws SQLException {
        try (Connection c = db.getConnection()) {
            return delete(c, tenant, id);
        }
    }

    private static boolean delete(Connection c, String tenant, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM stored_responses WHERE tenant = ? AND id = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, id);
            return ps.executeUpdate() > 0;
        }
    }
}
