package dev.sluice.gateway.config.load;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for unknown keys and environment variables. */
final class Suggestions {
    private Suggestions() {}

    /** The known name closest to {@code unknown}, if close enough to be a likely typo. */
    static Optional<String> closest(String unknown, Collection<String> known) {
        String u = normalize(unknown);
        return known.stream()
                .filter(k -> isClose(u, normalize(k)))
                .min(Comparator.comparingInt((String k) -> distance(u, normalize(k)))
                        .thenComparing(k -> k));
    }

    /** The " (did you mean X?)" suffix for an error message, or empty. */
    static String didYouMean(String unknown, Collection<String> known) {
        return closest(unknown, known).map(k -> "; did you mean " + k + "?").orElse("");
    }

    private static boolean isClose(String u, String k) {
        if (k.endsWith(u) && u.length() >= 4) {
            return true; // "port" -> "server.port", "max-body-size" -> "server.max-body-size"
        }
        int d = distance(u, k);
        return d <= Math.max(1, Math.min(3, k.length() / 4));
    }

    /** Case, {@code -} and {@code _} do not count: max_body_size is a near miss of max-body-size. */
    private static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
