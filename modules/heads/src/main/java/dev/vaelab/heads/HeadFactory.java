package dev.vaelab.heads;

import dev.vaelab.core.spec.ComponentSpec;

/**
 * Creates a head from its {@code likelihood:} section, reading and validating the options its type
 * takes (then {@code finish()}, so unknown keys fail with the allowed ones). Bound by YAML type in
 * a Guice {@code MapBinder<String, HeadFactory>}.
 */
@FunctionalInterface
public interface HeadFactory {
    LikelihoodHead create(ComponentSpec spec);
}
