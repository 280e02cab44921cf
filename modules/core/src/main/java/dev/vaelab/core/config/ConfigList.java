package dev.vaelab.core.config;

import java.util.List;
import java.util.Objects;

/**
 * A YAML sequence.
 *
 * @param elements the elements in order; element {@code i} has the path {@code path[i]}
 * @param location where the sequence starts
 * @param path its dotted path from the root
 */
public record ConfigList(List<ConfigNode> elements, SourceLocation location, String path)
        implements ConfigNode {

    public ConfigList {
        elements = List.copyOf(elements);
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(path, "path");
    }

    /** Whether every element is a scalar, so the list is one value rather than a structure. */
    public boolean isFlat() {
        return elements.stream().allMatch(e -> e instanceof ConfigScalar);
    }
}
