/**
 * An experiment file as immutable records: {@link dev.vaelab.core.spec.ExperimentSpec} and its
 * sections. Sections whose keys depend on a user-chosen {@code type:} stay
 * {@link dev.vaelab.core.spec.ComponentSpec}s, to be read and finished by the factory registered for
 * that type.
 */
package dev.vaelab.core.spec;
