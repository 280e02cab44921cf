package dev.vaelab.zoo.network;

import dev.vaelab.core.spec.ComponentSpec;

/** Creates a network from its {@code encoder:} or {@code decoder:} section; bound by YAML type. */
@FunctionalInterface
public interface NetworkFactory {
    Network create(ComponentSpec spec);
}
