package dev.vaelab.zoo.objective;

import dev.vaelab.core.spec.ComponentSpec;

/**
 * Creates an objective from its {@code objective:} section; bound by YAML {@code objective.type}.
 * Reads its keys (and its schedules' sections) from {@code spec.options()} and finishes them, so
 * an unknown key is an error at its line.
 */
@FunctionalInterface
public interface ObjectiveFactory {
    Objective create(ComponentSpec spec, ObjectiveContext context);
}
