package dev.vaelab.sweep;

import dev.vaelab.core.config.SourceLocation;
import java.util.Objects;

/**
 * One entry of {@code sweep.parameters}: the dotted key it overrides in the base config and where
 * its values come from.
 *
 * @param key a dotted key such as {@code beta.end}, relative to the top of the experiment
 * @param location where the key is written
 * @param domain its values or distribution
 */
public record SweepParameter(String key, SourceLocation location, Domain domain) {
    public SweepParameter {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(domain, "domain");
    }
}
