package dev.sluice.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Client keys in the SQL store. A key is {@code sk-sluice-} + 32 random base62 characters (190 bits),
 * so a plain SHA-256 is the right hash (a slow password hash protects low-entropy secrets; these are
 * not): only the hash and a 12-character prefix are stored, the plaintext is returned once by
 * {@link #create}. Lookup is by the hash's index; the stored hash is then compared with
 * {@link MessageDigest#isEqual} (constant time).
 */
public final class KeyStore {

    public static final String PREFIX = "sk-sluice-";
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, name, tenant, key_prefix, created_at, revoked_at, allowed_models,"
            + " requests_per_minute, tokens_per_minute, max_concurrent, budget_tokens, budget_period, priority,"
            + " max_output_tokens";

    /** A new key: the plaintext (shown once) and what is stored. */
    public record CreatedKey(String plaintext, ApiKey key) {}

    private final DataSource db;

    public KeyStore(DataSource db) {
        this.db = db;
    }

    public CreatedKey create(String name, String tenant, KeyPolicy p) throws SQLException {
        String plaintext = PREFIX + random(32);
        String id = "key_" + random(16);
        long now = System.currentTimeMillis();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO api_keys (" + COLUMNS + ", key_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, id);
            ps.setString(2, name);
            ps.setString(3, tenant);
            ps.setString(4, plaintext.substring(0, 14));
            ps.setLong(5, now);
            ps.setNull(6, java.sql.Types.BIGINT);
            ps.setString(7, String.join(",", p.allowedModels()));
            ps.setInt(8, p.requestsPerMinute());
            ps.setInt(9, p.tokensPerMinute());
            ps.setInt(10, p.maxConcurrent());
            ps.setLong(11, p.budgetTokens());
            ps.setString(12, p.period().name());
            ps.setString(13, p.priority());
            ps.setInt(14, p.maxOutputTokens());
            ps.setString(15, hash(plaintext));
            ps.executeUpdate();
        }
        return new CreatedKey(plaintext, new ApiKey(id, name, tenant, plaintext.substring(0, 14), now, null, p));
    }

    public List<ApiKey> list() throws SQLException {
        List<ApiKey> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next() && out.size() < 100_000) {
                out.add(read(rs));
            }
        }
        return out;
    }

    /** Revokes the key with this id; false when there is none (or it was revoked already). */
    public boolean revoke(String id) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            ps.setLong(1, System.currentTimeMillis());
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** The stored key for a presented plaintext, revoked or not; empty when unknown. */
    public Optional<ApiKey> find(String plaintext) throws SQLException {
        String presented = hash(plaintext);
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT " + COLUMNS + ", key_hash FROM api_keys WHERE key_hash = ?")) {
            ps.setString(1, presented);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()
                        && MessageDigest.isEqual(
                                rs.getString(15).getBytes(StandardCharsets.US_ASCII),
                                presented.getBytes(StandardCharsets.US_ASCII))) {
                    return Optional.of(read(rs));
                }
                return Optional.empty();
            }
        }
    }

    static String hash(String plaintext) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static ApiKey read(ResultSet rs) throws SQLException {
        long revoked = rs.getLong(6);
        Long revokedAt = rs.wasNull() ? null : revoked;
        String models = rs.getString(7);
        KeyPolicy p = new KeyPolicy(
                models.isEmpty() ? List.of() : Arrays.asList(models.split(",")),
                rs.getInt(8),
                rs.getInt(9),
                rs.getInt(10),
                rs.getLong(11),
                KeyPolicy.BudgetPeriod.valueOf(rs.getString(12)),
                rs.getString(13),
                rs.getInt(14));
        return new ApiKey(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), revokedAt, p);
    }

    private static String random(int n) {
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            out[i] = BASE62[RANDOM.nextInt(BASE62.length)];
        }
        return new String(out);
    }
}
