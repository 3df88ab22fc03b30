package dev.sluice.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cache key: SHA-256 over the tenant, the dialect, the answer's shape (stream or whole) and a
 * canonical form of the request — every field except those that cannot change the answer
 * ({@code stream}, {@code stream_options}, {@code metadata}, {@code user}), object keys sorted. So the
 * system prompt, tools and every parameter are in the key, and one tenant never gets another's answer.
 */
public final class CacheKeys {

    private static final Set<String> IGNORED = Set.of("stream", "stream_options", "metadata", "user");

    private CacheKeys() {}

    public static String key(String tenant, String dialect, boolean stream, JsonNode request) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(tenant.length())
                .append(':')
                .append(tenant)
                .append('|')
                .append(dialect)
                .append('|')
                .append(stream ? "stream" : "whole")
                .append('|');
        canonical(request, sb, true);
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Cached by default only when the answer is deterministic (temperature 0), or when configured for all. */
    public static boolean cacheable(JsonNode request, boolean nonDeterministic) {
        if (nonDeterministic) {
            return true;
        }
        JsonNode t = request.path("temperature");
        return t.isNumber() && t.asDouble() == 0.0;
    }

    private static void canonical(JsonNode n, StringBuilder sb, boolean top) {
        if (n.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(n.properties());
            fields.sort(Map.Entry.comparingByKey());
            sb.append('{');
            for (Map.Entry<String, JsonNode> f : fields) {
                if (top && IGNORED.contains(f.getKey())) {
                    continue;
                }
                sb.append(quote(f.getKey())).append(':');
                canonical(f.getValue(), sb, false);
                sb.append(',');
            }
            sb.append('}');
        } else if (n.isArray()) {
            sb.append('[');
            for (JsonNode c : n) {
                canonical(c, sb, false);
                sb.append(',');
            }
            sb.append(']');
        } else if (n.isNumber()) {
            sb.append(n.decimalValue().stripTrailingZeros().toPlainString());
        } else {
            sb.append(n.toString());
        }
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }
}
