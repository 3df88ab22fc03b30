/**
 * The composition root: builds the server, the providers, the router and the stores from the config, and shuts them down.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway;

import org.jspecify.annotations.NullMarked;
