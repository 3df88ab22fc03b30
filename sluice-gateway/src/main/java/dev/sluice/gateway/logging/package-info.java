/**
 * Logging setup and the JSON log format.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.logging;

import org.jspecify.annotations.NullMarked;
