/**
 * The table of configuration keys, section by section ({@code ServerKeys}, {@code UpstreamKeys},
 * {@code OperationKeys}, {@code StoreKeys}, {@code EndpointKeys}): each key's name, type, default, meaning
 * and where it lives in the config tree. {@code config.load}'s registry concatenates the sections in this
 * order, which docs/configuration.md follows (a test checks both ways).
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.config.load.keys;

import org.jspecify.annotations.NullMarked;
