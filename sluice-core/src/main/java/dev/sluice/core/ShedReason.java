package dev.sluice.core;

/** Why a {@link Limiter} refused a request; {@link Admission.Rejected#reason()} says the state. */
public enum ShedReason {
    /** In-flight was at the limit and the request could not wait (no queue, or no wait allowed). */
    LIMIT,
    /** In-flight was at the limit and the wait queue was full. */
    QUEUE_FULL,
    /** The request waited in the queue longer than its maximum wait. */
    QUEUE_TIMEOUT,
    /** An {@link AdmissionGate} (e.g. memory pressure) refused before any permit was considered. */
    GATE,
    /** A batch request: beyond its share of the limit, or evicted from the queue by an interactive one. */
    PRIORITY
}
