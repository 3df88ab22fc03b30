package dev.sluice.core;

import java.util.Objects;

/** The answer of {@link Limiter#tryAcquire()}: a permit to hold, or a reason for refusal. */
public sealed interface Admission {

    /** Admitted; close the permit (try-with-resources) on every path. */
    record Granted(Permit permit) implements Admission {
        public Granted {
            Objects.requireNonNull(permit, "permit");
        }
    }

    /** Refused; {@code reason} carries the state that caused it, e.g. {@code "in-flight 64/64"}. */
    record Rejected(String reason) implements Admission {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
