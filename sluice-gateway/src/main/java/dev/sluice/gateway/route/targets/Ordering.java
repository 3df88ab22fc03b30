package dev.sluice.gateway.route.targets;

import dev.sluice.gateway.route.Balance;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Puts a route's available targets in attempt order: one chosen first, the rest as listed. */
public final class Ordering {

    private Ordering() {}

    public static List<RouteTarget> order(
            List<RouteTarget> available, Balance balance, Optional<String> sessionKey, RandomGenerator random) {
        if (available.size() <= 1) {
            return available;
        }
        int first = sessionKey.isPresent()
                ? rendezvous(available, sessionKey.get())
                : switch (balance) {
                    case FALLBACK -> 0;
                    case WEIGHTED -> weighted(available, random);
                    case LEAST_IN_FLIGHT -> leastInFlight(available);
                };
        if (first == 0) {
            return available;
        }
        List<RouteTarget> ordered = new ArrayList<>(available.size());
        ordered.add(available.get(first));
        for (int i = 0; i < available.size(); i++) {
            if (i != first) {
                ordered.add(available.get(i));
            }
        }
        return ordered;
    }

    static int weighted(List<RouteTarget> targets, RandomGenerator random) {
        long total = 0;
        for (RouteTarget t : targets) {
            total += t.target().weight();
        }
        if (total == 0) {
            return 0;
        }
        long r = random.nextLong(total);
        for (int i = 0; i < targets.size(); i++) {
            r -= targets.get(i).target().weight();
            if (r < 0) {
                return i;
            }
        }
        return 0; // not reached
    }

    static int leastInFlight(List<RouteTarget> targets) {
        int best = 0;
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < targets.size(); i++) {
            int n = targets.get(i).state().inFlight();
            if (n < min) {
                min = n;
                best = i;
            }
        }
        return best;
    }

    /**
     * Weighted rendezvous hashing: the target with the highest {@code -weight / ln(u)}, where
     * {@code u} in (0, 1) is a stable hash of session key and target id. Removing a target moves
     * only the sessions that were on it; the shares follow the weights. Stateless.
     */
    static int rendezvous(List<RouteTarget> targets, String sessionKey) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < targets.size(); i++) {
            RouteTarget t = targets.get(i);
            double score = score(sessionKey, t.id(), t.target().weight());
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }

    static double score(String sessionKey, String targetId, int weight) {
        if (weight == 0) {
            return -1; // below every positive score; zero-weight targets are chosen only if all are
        }
        long h = hash(sessionKey, targetId);
        double u = ((h >>> 11) + 0.5) * 0x1.0p-53; // in (0, 1)
        return -weight / Math.log(u);
    }

    /** FNV-1a over the UTF-8 bytes of both strings, finished with the SplitMix64 mixer: same on every JVM. */
    static long hash(String a, String b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : a.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (x & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ 0xff) * 0x100000001b3L; // separator no UTF-8 byte takes
        for (byte x : b.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (x & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
