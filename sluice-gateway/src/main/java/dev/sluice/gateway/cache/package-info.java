/**
 * The exact-match response cache: keys, captured answers and the memory, Redis and SQL tiers.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.cache;

import org.jspecify.annotations.NullMarked;
