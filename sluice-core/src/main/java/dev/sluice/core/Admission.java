package dev.sluice.core;

import java.util.Objects;

/** The answer of a {@link Limiter}: a permit to hold, or why the request was shed. */
public sealed interface Admission {

    /** Admitted; close the permit (try-with-resources) on every path. */
    record Granted(Permit permit) implements Admission {
        public Granted {
            Objects.requireNonNull(permit, "permit");
        }
    }

    /**
     * Refused: {@code cause} says which rule shed the request, {@code reason} the state that caused
     * it, e.g. {@code "in-flight 64/64, queue 32/32 full"} or {@code "old gen after GC 93% > 92%"}.
     */
    record Rejected(ShedReason cause, String reason) implements Admission {
        public Rejected {
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(reason, "reason");
        }

        /** Refused because in-flight was at the limit ({@link ShedReason#LIMIT}). */
        public Rejected(String reason) {
            this(ShedReason.LIMIT, reason);
        }
    }
}
