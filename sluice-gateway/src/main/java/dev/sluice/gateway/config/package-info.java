/**
 * Sluice's configuration as the gateway reads it: one immutable, validated tree ({@link
 * dev.sluice.gateway.config.SluiceConfig}) with its value types ({@link dev.sluice.gateway.config.ProviderKind},
 * {@link dev.sluice.gateway.config.Secret}) and the error that lists every bad key ({@link
 * dev.sluice.gateway.config.ConfigException}). Imports no other package. How the tree is built from
 * defaults &lt; YAML file &lt; environment &lt; command line is {@code config.load}'s job.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.config;

import org.jspecify.annotations.NullMarked;
