/**
 * Admission and load shedding: the limit algorithms and memory monitors the core runtime uses.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.shed;

import org.jspecify.annotations.NullMarked;
