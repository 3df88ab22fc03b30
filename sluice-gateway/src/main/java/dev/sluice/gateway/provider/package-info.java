/**
 * Upstream providers over HTTP: bounded connection pools, one exchange in flight, SSE and NDJSON readers.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.provider;

import org.jspecify.annotations.NullMarked;
