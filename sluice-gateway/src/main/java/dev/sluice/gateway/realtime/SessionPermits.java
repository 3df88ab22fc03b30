package dev.sluice.gateway.realtime;

import dev.sluice.core.Admission;
import dev.sluice.core.LimitAlgorithm;
import dev.sluice.core.Limiter;
import dev.sluice.core.Outcome;
import dev.sluice.core.Permit;
import dev.sluice.core.Priority;
import dev.sluice.gateway.context.GatewayException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may open a session: a permit of a limiter of its own ({@code realtime.max-sessions}, no queue: a session
 * lasts minutes, nobody should wait for one) and a slot of the key's ({@code realtime.max-sessions-per-key}),
 * counted in a map that holds only keys with open sessions. Both are given back exactly once per grant.
 */
final class SessionPermits {

    private final int maxSessions;
    private final int maxPerKey;
    private final Limiter permits;
    private final Map<String, Integer> perKey = new ConcurrentHashMap<>();
    private final RealtimeMetrics metrics;

    SessionPermits(int maxSessions, int maxPerKey, RealtimeMetrics metrics) {
        this.maxSessions = maxSessions;
        this.maxPerKey = maxPerKey;
        this.metrics = metrics;
        this.permits = Limiter.builder("realtime-sessions")
                .algorithm(LimitAlgorithm.fixed(maxSessions))
                .queueCapacity(0)
                .interactiveReserve(0)
                .build();
    }

    /** A session permit and a slot of {@code keyId}'s: 503 when Sluice holds its maximum, 429 when the key does. */
    Permit take(String keyId) throws GatewayException, InterruptedException {
        Admission a = permits.acquire(Priority.INTERACTIVE, Duration.ZERO);
        if (!(a instanceof Admission.Granted granted)) {
            metrics.refused("max-sessions");
            throw new GatewayException(
                    503,
                    "overloaded_error",
                    "Sluice holds its maximum of " + maxSessions + " realtime sessions (realtime.max-sessions)",
                    "5");
        }
        boolean[] over = new boolean[1];
        perKey.compute(keyId, (k, n) -> {
            int count = n == null ? 0 : n;
            over[0] = count >= maxPerKey;
            return over[0] ? n : count + 1;
        });
        if (over[0]) {
            granted.permit().outcome(Outcome.SUCCESS);
            granted.permit().close();
            metrics.refused("max-sessions-per-key");
            throw new GatewayException(
                    429,
                    "rate_limit_error",
                    "this key holds its maximum of " + maxPerKey + " realtime sessions (realtime.max-sessions-per-key)",
                    "5");
        }
        return granted.permit();
    }

    /** Gives back what {@link #take} granted, with how the session (or its handshake) ended. */
    void give(String keyId, Permit permit, Outcome outcome) {
        perKey.computeIfPresent(keyId, (k, n) -> n <= 1 ? null : n - 1);
        permit.outcome(outcome);
        permit.close();
    }

    long inUse() {
        return permits.inFlight();
    }

    int keys() {
        return perKey.size();
    }

    /** What is held with no session to hold it, for the leak check (empty when all is given back). */
    List<String> leaks(int openSessions) {
        List<String> out = new ArrayList<>();
        if (permits.inFlight() != openSessions) {
            out.add("realtime session permits in use: " + permits.inFlight() + " for " + openSessions + " sessions");
        }
        if (openSessions == 0 && !perKey.isEmpty()) {
            out.add("realtime per-key counts left: " + perKey);
        }
        return out;
    }
}
