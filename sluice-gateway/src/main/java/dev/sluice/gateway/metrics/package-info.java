/**
 * Sluice's metrics in one Prometheus registry.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.metrics;

import org.jspecify.annotations.NullMarked;
