package dev.vaelab.zoo.network;

import dev.vaelab.core.spec.ComponentSpec;

/**
 * Creates a network from its {@code encoder:} or {@code decoder:} section, knowing its role and the
 * image shape (a convolutional network needs both); bound by YAML type.
 */
@FunctionalInterface
public interface NetworkFactory {
    Network create(ComponentSpec spec, NetworkRole role, ImageDims image);
}
