package dev.sluice.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How long a {@link CountingLimiter}'s permits are held, and which are held now: from these it
 * predicts how long a request joining the queue would wait, so one that would likely time out is
 * shed at once instead.
 */
final class HoldTimes {

    private final LongSupplier ticker;
    /** Moving average of how long permits are held (0 until the first release): predicts queue waits. */
    private final AtomicLong holdAverageNanos = new AtomicLong();
    /** Permits granted and not yet released (at most the limit): when each is likely to end. */
    private final Set<Permit> live = ConcurrentHashMap.newKeySet();

    HoldTimes(LongSupplier ticker) {
        this.ticker = ticker;
    }

    void granted(Permit permit) {
        live.add(permit);
    }

    void released(Permit permit) {
        live.remove(permit);
    }

    /** Folds the hold of a released permit into the average; returns how long it was held. */
    long recordHold(Permit permit) {
        long held = ticker.getAsLong() - permit.grantedAtNanos();
        holdAverageNanos.getAndUpdate(avg -> avg == 0 ? Math.max(1, held) : avg + (held - avg) / 16);
        return held;
    }

    /**
     * The wait a request joining the queue now can expect: each permit in flight is expected to end
     * an average hold after it was granted, and each release goes to the next in line, so with
     * {@code ahead} requests queued before it (interactive ones, for interactive) it starts when the
     * ({@code ahead}+1)-th of those ends. Releases bunch up when permits were granted together, which
     * a rate alone would miss. 0 (no prediction) until a permit has been released. It is still an
     * estimate, so a request is queued only when it fits within half its deadline: waiting only to be
     * shed at the deadline is the slow way to be told no.
     */
    long predictedWaitNanos(int ahead) {
        long hold = holdAverageNanos.get();
        if (hold == 0) {
            return 0;
        }
        long now = ticker.getAsLong();
        long[] remaining = live.stream()
                .mapToLong(p -> Math.max(0, p.grantedAtNanos() + hold - now))
                .sorted()
                .toArray();
        if (remaining.length == 0) {
            return 0;
        }
        int releasesNeeded = ahead + 1;
        if (releasesNeeded <= remaining.length) {
            return remaining[releasesNeeded - 1];
        }
        // more ahead than in flight: after one round of releases, one more hold per round
        int rounds = (releasesNeeded - 1) / remaining.length;
        return remaining[(releasesNeeded - 1) % remaining.length] + rounds * hold;
    }
}
