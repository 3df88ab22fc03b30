/**
 * Translation between the dialects Sluice speaks; the sub-packages hold the work, this package its API.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.translate;

import org.jspecify.annotations.NullMarked;
