package dev.sluice.bench;

import dev.sluice.bench.TrafficClient.Call;
import dev.sluice.bench.TrafficClient.Dialect;
import dev.sluice.bench.TrafficClient.Reader;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The soak's request mix, a pure function of the request's number (so a run can be repeated):
 * 10% client disconnects at a random point, 5% upstream faults of every kind the fake provider
 * has, 5% slow readers, the rest streams and whole answers in both dialects read to their end;
 * during the outage (requests in [40%, 50%) of the run) one in ten goes to a provider that is down.
 */
final class SoakMix {
    /** Every fault of the fake provider, chosen by model name {@code fault-<name>}. */
    static final List<String> FAULTS = List.of(
            "rate-limit",
            "rate-limit-no-retry-after",
            "server-error",
            "unavailable",
            "overloaded",
            "reset",
            "no-answer",
            "slow-headers",
            "slow-first-token",
            "stream-cut",
            "stall",
            "malformed",
            "no-terminator",
            "context-length",
            "content-filter",
            "flapping");
    /** The model routed to a provider that is down during the outage phase. */
    static final String OUTAGE_MODEL = "outage";

    private final long total;
    private final long seed;

    SoakMix(long total, long seed) {
        this.total = total;
        this.seed = seed;
    }

    boolean inOutage(long i) {
        return i >= total * 4 / 10 && i < total / 2;
    }

    Call call(long i) {
        SplittableRandom r = new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L));
        Dialect dialect = r.nextBoolean() ? Dialect.ANTHROPIC : Dialect.OPENAI;
        boolean stream = r.nextBoolean();
        if (inOutage(i) && r.nextInt(10) == 0) {
            return Call.complete(dialect, stream, OUTAGE_MODEL);
        }
        int kind = r.nextInt(100);
        if (kind < 10) {
            return new Call(dialect, stream, "bench", Reader.DISCONNECT, stream ? 1 + r.nextInt(20) : r.nextInt(6));
        }
        if (kind < 15) {
            return Call.complete(dialect, stream, "fault-" + FAULTS.get(r.nextInt(FAULTS.size())));
        }
        if (kind < 20) {
            return new Call(dialect, true, "bench", Reader.SLOW, 0);
        }
        return Call.complete(dialect, stream, "bench");
    }
}
