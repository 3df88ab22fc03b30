/**
 * Usage records, prices, budgets and usage queries.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.usage;

import org.jspecify.annotations.NullMarked;
