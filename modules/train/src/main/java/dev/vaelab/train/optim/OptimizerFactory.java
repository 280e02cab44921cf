package dev.vaelab.train.optim;

import dev.vaelab.core.spec.ComponentSpec;

/** Creates an optimizer from its {@code train.optimizer:} section; bound by YAML type. */
@FunctionalInterface
public interface OptimizerFactory {
    OptimizerChoice create(ComponentSpec spec);
}
