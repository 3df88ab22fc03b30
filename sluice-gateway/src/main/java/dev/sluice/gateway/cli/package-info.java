/** The {@code sluice} command line: serve, mock, config check, version.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.cli;

import org.jspecify.annotations.NullMarked;
