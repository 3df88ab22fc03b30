package dev.sluice.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind a {@link CountingLimiter}'s {@link LimiterStats}: permits admitted, how
 * released ones ended, and requests shed, per {@link ShedReason}.
 */
final class LimiterCounters {

    private final LongAdder admitted = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Map<ShedReason, LongAdder> shed = new EnumMap<>(ShedReason.class);

    LimiterCounters() {
        for (ShedReason r : ShedReason.values()) {
            shed.put(r, new LongAdder());
        }
    }

    void admitted() {
        admitted.increment();
    }

    void released(Outcome outcome) {
        switch (outcome) {
            case SUCCESS -> succeeded.increment();
            case FAILURE -> failed.increment();
            case CANCELLED -> cancelled.increment();
            case DROPPED -> dropped.increment();
        }
    }

    Admission counted(Admission admission) {
        if (admission instanceof Admission.Rejected r) {
            shedCount(r.cause()).increment();
        }
        return admission;
    }

    Admission.Rejected shed(ShedReason cause, String reason) {
        shedCount(cause).increment();
        return new Admission.Rejected(cause, reason);
    }

    private LongAdder shedCount(ShedReason cause) {
        return Objects.requireNonNull(shed.get(cause), "the constructor puts an adder for every reason");
    }

    LimiterStats stats(long inFlight, int limit, int queued) {
        Map<ShedReason, Long> counts = new EnumMap<>(ShedReason.class);
        long rejected = 0;
        for (Map.Entry<ShedReason, LongAdder> e : shed.entrySet()) {
            long n = e.getValue().sum();
            counts.put(e.getKey(), n);
            rejected += n;
        }
        return new LimiterStats(
                inFlight,
                limit,
                admitted.sum(),
                rejected,
                succeeded.sum(),
                failed.sum(),
                cancelled.sum(),
                dropped.sum(),
                queued,
                counts);
    }
}
