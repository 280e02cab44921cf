package dev.vaelab.core.config;

import java.util.Objects;

/**
 * A scalar value exactly as written. Plain scalars ({@code 10}, {@code 1e-3}, {@code true},
 * {@code mnist}) are interpreted by the typed getters of {@link ConfigMap}; quoted or block scalars
 * are always strings, so {@code "10"} is not an integer.
 *
 * @param text the scalar's text, without quotes
 * @param plain whether it was written without quotes (and so may be a number, boolean or null)
 * @param location where it starts
 * @param path its dotted path from the root
 */
public record ConfigScalar(String text, boolean plain, SourceLocation location, String path)
        implements ConfigNode {

    public ConfigScalar {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(path, "path");
    }

    /** Whether this is YAML's null: an empty plain value, {@code ~} or {@code null}. */
    public boolean isNull() {
        return plain && Scalars.isNull(text);
    }
}
