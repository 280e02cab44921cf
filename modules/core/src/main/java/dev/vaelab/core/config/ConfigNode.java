package dev.vaelab.core.config;

import java.util.Map;

/**
 * One node of a configuration tree read from YAML. Every node knows where it came from and its dotted
 * path from the root ({@code model.encoder.hidden[1]}), so any error about it can name both.
 */
public sealed interface ConfigNode permits ConfigMap, ConfigList, ConfigScalar {

    /** Where this node starts in its source. */
    SourceLocation location();

    /** The dotted path from the root; the root itself has the empty path. */
    String path();

    /**
     * This tree as block-style YAML, keys in their order; flat lists of scalars are written inline
     * ({@code [400, 200]}). Parsing the text again gives a tree with an equal {@link #flatten()}.
     */
    default String toYaml() {
        return YamlWriter.write(this);
    }

    /**
     * Every scalar below this node keyed by its dotted path relative to this node, in tree order;
     * lists of scalars become one entry rendered as {@code [1, 2]}, empty maps {@code {}}, nulls
     * {@code null}. This is the form tracking systems take as run parameters.
     */
    default Map<String, String> flatten() {
        return Flattener.flatten(this);
    }
}
