/**
 * A key's limits: token budget, requests and tokens per minute, concurrent requests.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.limits;

import org.jspecify.annotations.NullMarked;
