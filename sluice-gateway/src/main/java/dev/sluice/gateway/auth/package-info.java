/**
 * Client authentication: API keys (static, stored with their policies, or passed through) and the admin key.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.auth;

import org.jspecify.annotations.NullMarked;
