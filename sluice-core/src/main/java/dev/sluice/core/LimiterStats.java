package dev.sluice.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a {@link Limiter}'s counters. When nothing is acquiring or releasing,
 * {@code admitted == succeeded + failed + cancelled + dropped + inFlight} and {@code queued == 0}.
 * {@code rejected} is the total of {@code shed}, which has an entry for every {@link ShedReason}.
 */
public record LimiterStats(
        long inFlight,
        int limit,
        long admitted,
        long rejected,
        long succeeded,
        long failed,
        long cancelled,
        long dropped,
        int queued,
        Map<ShedReason, Long> shed) {

    public LimiterStats {
        EnumMap<ShedReason, Long> all = new EnumMap<>(ShedReason.class);
        for (ShedReason r : ShedReason.values()) {
            all.put(r, 0L);
        }
        all.putAll(Objects.requireNonNull(shed, "shed"));
        shed = Collections.unmodifiableMap(all); // in ShedReason order
    }

    /** The snapshot of a limiter without a queue, every rejection counted as {@link ShedReason#LIMIT}. */
    public LimiterStats(
            long inFlight,
            int limit,
            long admitted,
            long rejected,
            long succeeded,
            long failed,
            long cancelled,
            long dropped) {
        this(
                inFlight,
                limit,
                admitted,
                rejected,
                succeeded,
                failed,
                cancelled,
                dropped,
                0,
                Map.of(ShedReason.LIMIT, rejected));
    }

    /** Permits released so far, whatever their outcome. */
    public long released() {
        return succeeded + failed + cancelled + dropped;
    }

    /** Requests shed for {@code reason} so far. */
    public long shed(ShedReason reason) {
        return shed.getOrDefault(reason, 0L); // every reason has an entry (see the constructor)
    }
}
