/**
 * The client connection's edge: deadlines Helidon does not keep, client-gone watches, the listener probe.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.edge;

import org.jspecify.annotations.NullMarked;
