package dev.sluice.core;

/**
 * How the work behind a {@link Permit} ended. An adaptive limit learns from these: {@code SUCCESS}
 * is a latency sample, {@code DROPPED} (the upstream shed or timed out) is a congestion signal,
 * {@code FAILURE} and {@code CANCELLED} (client gone) say nothing about capacity.
 */
public enum Outcome {
    SUCCESS,
    FAILURE,
    CANCELLED,
    DROPPED
}
