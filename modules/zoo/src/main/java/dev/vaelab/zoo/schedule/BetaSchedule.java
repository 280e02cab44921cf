package dev.vaelab.zoo.schedule;

/**
 * The weight β of the KL term as a function of the global step (0-based: the value used by the
 * step-th update). Evaluated in Java per step and fed to the training graph, and logged as
 * {@code train/beta}.
 *
 * <p>A schedule may also carry a KL capacity C (Burgess et al. 2018): the objective then becomes
 * {@code -recon + β·|KL - C|}, with β in the role of their γ, and C is fed per step and logged as
 * {@code train/capacity}.
 */
public interface BetaSchedule {
    /** The YAML type, e.g. {@code linear}. */
    String type();

    double beta(long step);

    /** Whether this schedule targets a KL capacity, so the training step takes {@code |KL - C|}. */
    default boolean hasCapacity() {
        return false;
    }

    /** The capacity C in nats in force at {@code step}; 0 for schedules without one. */
    default double capacity(long step) {
        return 0.0;
    }
}
