/**
 * Configuration trees read from YAML that know where every value came from.
 *
 * <p>{@link dev.vaelab.core.config.ConfigLoader} parses a file into a
 * {@link dev.vaelab.core.config.ConfigMap}; readers take typed values from it, which both validates
 * them (every error is a {@link dev.vaelab.core.config.ConfigException} naming file, line, column and
 * key) and records what was asked, so unknown keys are caught by
 * {@link dev.vaelab.core.config.ConfigMap#finish()} and the config as used, defaults included, is
 * available from {@link dev.vaelab.core.config.ConfigMap#resolved()}.
 */
package dev.vaelab.core.config;
