/**
 * Sluice's configuration: one immutable, validated tree ({@link dev.sluice.gateway.config.SluiceConfig})
 * built by {@link dev.sluice.gateway.config.ConfigLoader} from defaults &lt; YAML file &lt; environment
 * &lt; command line. Every key is listed once, with its type, default and meaning, in
 * {@link dev.sluice.gateway.config.ConfigLoader#keys()} and in docs/configuration.md.
 */
package dev.sluice.gateway.config;
