package dev.vaelab.zoo.schedule;

/**
 * The weight β of the KL term as a function of the global step (0-based: the value used by the
 * step-th update). Evaluated in Java per step and fed to the training graph, and logged as
 * {@code train/beta}.
 */
public interface BetaSchedule {
    /** The YAML type, e.g. {@code linear}. */
    String type();

    double beta(long step);
}
