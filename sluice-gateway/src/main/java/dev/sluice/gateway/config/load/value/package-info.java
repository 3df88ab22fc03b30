/**
 * The kinds of value a configuration key can hold ({@link dev.sluice.gateway.config.load.value.ValueType}):
 * how each is parsed from text, checked and printed back, sizes and durations included. Knows no key:
 * the registry in {@code config.load} names the type of each.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.config.load.value;

import org.jspecify.annotations.NullMarked;
