package dev.vaelab.zoo.model;

import dev.vaelab.core.spec.ComponentSpec;

/** Creates a model from its {@code model:} section; bound by YAML {@code model.type}. */
@FunctionalInterface
public interface ModelFactory {
    VaeModel create(ComponentSpec spec, ModelContext context);
}
