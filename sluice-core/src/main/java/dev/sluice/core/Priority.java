package dev.sluice.core;

/**
 * How urgent a request is to admission. {@code INTERACTIVE} (a person is waiting) may use the
 * whole limit and is served first from the queue; {@code BATCH} may use only the share of the
 * limit left outside the interactive reserve, and is the first to be evicted from a full queue.
 */
public enum Priority {
    INTERACTIVE,
    BATCH
}
