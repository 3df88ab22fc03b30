/**
 * What happened to one client request once it is over, and the listeners told of it.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.exchange;

import org.jspecify.annotations.NullMarked;
