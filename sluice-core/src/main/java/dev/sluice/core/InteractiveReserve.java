package dev.sluice.core;

/**
 * The part of a {@link CountingLimiter}'s limit kept for interactive requests: batch ones start
 * only while in-flight is below the rest, so a burst of batch work cannot take every permit.
 */
final class InteractiveReserve {

    private final double fraction;

    InteractiveReserve(double fraction) {
        this.fraction = fraction;
    }

    /** How many in flight a priority may start at: the limit, or for batch the part outside the reserve. */
    int share(Priority priority, int limit) {
        if (priority == Priority.INTERACTIVE) {
            return limit;
        }
        return Math.max(1, (int) Math.floor(limit * (1 - fraction) + 1e-9));
    }

    /** Why a batch request was refused at in-flight {@code current}, its share being {@code share}. */
    Admission.Rejected refuseBatch(long current, int limit, int share) {
        return new Admission.Rejected(
                ShedReason.PRIORITY,
                "batch: in-flight " + current + "/" + limit + " >= " + share + " (" + Math.round(fraction * 100)
                        + "% reserved for interactive)");
    }
}
