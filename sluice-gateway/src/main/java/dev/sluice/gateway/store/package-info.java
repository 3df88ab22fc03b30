/**
 * The SQL store, Redis link, retention jobs and job runs.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.store;

import org.jspecify.annotations.NullMarked;
