/**
 * The system and admin API: stats, resources, metrics, the dashboard, key administration.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.system;

import org.jspecify.annotations.NullMarked;
