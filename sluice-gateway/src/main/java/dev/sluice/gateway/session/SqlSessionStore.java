package dev.sluice.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.store.Transaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * Conversation history kept server-side, per tenant and session id (another tenant's id finds
 * nothing: the row key is a hash of both). {@link #history} returns the newest whole turns that fit a
 * token budget: it cuts only before a user message that is not a tool result, so a tool_use is never
 * separated from its tool_result. Old sessions and messages go through retention.
 */
public final class SqlSessionStore implements SessionStore {

    private static final int MAX_LOADED = 2000;
    private final DataSource db;
    private final ObjectMapper mapper;

    public SqlSessionStore(DataSource db, ObjectMapper mapper) {
        this.db = db;
        this.mapper = mapper;
    }

    static String key(String tenant, String sessionId) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest((tenant.length() + ":" + tenant + "|" + sessionId)
                                    .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean enabled() {
        return true;
    }

    /** The newest whole turns of the session within {@code tokenBudget}, oldest first. */
    @Override
    public List<JsonNode> history(String tenant, String sessionId, int tokenBudget) throws SQLException {
        List<Message> all = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT content_json, tokens FROM session_messages"
                        + " WHERE session_key = ? ORDER BY seq DESC LIMIT " + MAX_LOADED)) {
            ps.setString(1, key(tenant, sessionId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new Message(mapper.readTree(rs.getString(1)), rs.getInt(2)));
                }
            } catch (IOException e) {
                throw new SQLException("stored session message is not JSON", e);
            }
        }
        Deque<JsonNode> kept = new ArrayDeque<>();
        List<JsonNode> turn = new ArrayList<>();
        int used = 0;
        int turnTokens = 0;
        for (Message m : all) { // newest first
            turn.add(0, m.json());
            turnTokens += m.tokens();
            if (startsTurn(m.json())) {
                if (used + turnTokens > tokenBudget) {
                    break;
                }
                for (int i = turn.size() - 1; i >= 0; i--) {
                    kept.addFirst(turn.get(i));
                }
                used += turnTokens;
                turn.clear();
                turnTokens = 0;
            }
        }
        return new ArrayList<>(kept);
    }

    /** A user message that is not (only) tool results begins a turn: history may be cut just before it. */
    static boolean startsTurn(JsonNode m) {
        if (!"user".equals(m.path("role").asText())) {
            return false;
        }
        JsonNode content = m.path("content");
        if (!content.isArray()) {
            return true;
        }
        for (JsonNode block : content) {
            if ("tool_result".equals(block.path("type").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Appends messages (with their token estimates) to the session, creating it if needed. */
    @Override
    public void append(String tenant, String sessionId, List<Message> messages) throws SQLException {
        String key = key(tenant, sessionId);
        long now = System.currentTimeMillis();
        try (Connection c = db.getConnection()) {
            Transaction.run(c, tx -> {
                long seq;
                try (PreparedStatement ps = tx.prepareStatement(
                        "SELECT COALESCE(MAX(seq), 0) FROM session_messages WHERE session_key = ?")) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        seq = rs.getLong(1);
                    }
                }
                try (PreparedStatement up =
                        tx.prepareStatement("UPDATE sessions SET last_used_at = ? WHERE session_key = ?")) {
                    up.setLong(1, now);
                    up.setString(2, key);
                    if (up.executeUpdate() == 0) {
                        try (PreparedStatement ins = tx.prepareStatement(
                                "INSERT INTO sessions (session_key, tenant, created_at, last_used_at) VALUES (?,?,?,?)")) {
                            ins.setString(1, key);
                            ins.setString(2, tenant);
                            ins.setLong(3, now);
                            ins.setLong(4, now);
                            ins.executeUpdate();
                        }
                    }
                }
                try (PreparedStatement ps =
                        tx.prepareStatement("INSERT INTO session_messages (id, session_key, seq, role,"
                                + " content_json, tokens, created_at) VALUES (?,?,?,?,?,?,?)")) {
                    for (Message m : messages) {
                        ps.setString(
                                1, Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(now));
                        ps.setString(2, key);
                        ps.setLong(3, ++seq);
                        ps.setString(4, m.json().path("role").asText());
                        ps.setString(5, m.json().toString());
                        ps.setInt(6, m.tokens());
                        ps.setLong(7, now);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            });
        }
    }
}
