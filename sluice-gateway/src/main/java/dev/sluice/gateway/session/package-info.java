/**
 * Server-side conversation history.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.session;

import org.jspecify.annotations.NullMarked;
