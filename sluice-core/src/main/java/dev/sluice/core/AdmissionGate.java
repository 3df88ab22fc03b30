package dev.sluice.core;

import java.util.Optional;

/**
 * A cheap check a {@link Limiter} runs before it considers granting a permit, e.g. memory pressure.
 * A refusal sheds the request at once with {@link ShedReason#GATE}; it is never queued. Must be
 * thread-safe, fast and must not block: it runs on every request. An exception thrown here
 * propagates to the caller of {@code acquire}, with nothing acquired.
 */
@FunctionalInterface
public interface AdmissionGate {

    /** Never refuses: the gate of a limiter that has none. */
    AdmissionGate OPEN = new AdmissionGate() {
        @Override
        public Optional<String> refuse() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "open gate";
        }
    };

    /**
     * Empty to let the request on to the limit; otherwise the state that caused the refusal, e.g.
     * {@code "old gen after GC 93% > 92%"}.
     */
    Optional<String> refuse();
}
