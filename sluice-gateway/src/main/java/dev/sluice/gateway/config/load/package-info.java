/**
 * How the configuration is declared, read and resolved: {@link dev.sluice.gateway.config.load.ConfigLoader}
 * builds the {@link dev.sluice.gateway.config.SluiceConfig} from defaults &lt; YAML file &lt; environment
 * &lt; command line. Every key is listed once, with its type, default and meaning, in the registry
 * ({@link dev.sluice.gateway.config.load.ConfigLoader#keys()}) and in docs/configuration.md; the sources
 * (YAML, environment, flags) give raw settings, the resolver parses, checks and cross-checks them and
 * fails with every problem at once. Depends on {@code config} (the tree it builds), never the reverse.
 * Its sub-packages: {@code keys}, the registry's rows section by section, and {@code value}, the value
 * types (parsing and printing, sizes and durations); neither knows this package.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.config.load;

import org.jspecify.annotations.NullMarked;
