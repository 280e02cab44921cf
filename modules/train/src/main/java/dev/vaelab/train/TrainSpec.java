package dev.vaelab.train;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.spec.ComponentSpec;
import java.util.List;

/**
 * The {@code train:} section.
 *
 * @param epochs passes over the training set, at least 1
 * @param batchSize examples per step (default 128)
 * @param optimizer the optimizer, chosen by its {@code type} (default {@code {type: adam, lr: 1.0e-3}})
 * @param threads threads for the run, 0 for all cores available to it (the default)
 * @param stepsPerCall training steps per engine call, 0 to let the engine choose (the default)
 * @param maxSteps stop after this many updates even if the epochs are not done (the last epoch is
 *     cut short, then validated and tested as usual), 0 for no limit (the default)
 */
public record TrainSpec(int epochs, int batchSize, ComponentSpec optimizer, int threads, int stepsPerCall,
                        long maxSteps) {
    /** The optimizer used when the section names none. */
    public static final String DEFAULT_OPTIMIZER = "{type: adam, lr: 1.0e-3}";

    private static final List<String> KEYS = List.of("epochs", "batch_size", "optimizer", "threads", "steps_per_call",
            "max_steps");

    /** A section without a step limit. */
    public TrainSpec(int epochs, int batchSize, ComponentSpec optimizer, int threads, int stepsPerCall) {
        this(epochs, batchSize, optimizer, threads, stepsPerCall, 0);
    }

    /** Reads and validates the section; the optimizer's own keys are left to its factory. */
    public static TrainSpec parse(ConfigMap train) {
        train.allowOnly(KEYS);
        return new TrainSpec(
                train.positiveInt("epochs"),
                train.positiveInt("batch_size", 128),
                ComponentSpec.read(train, "optimizer", DEFAULT_OPTIMIZER),
                train.intAtLeast("threads", 0, 0),
                train.intAtLeast("steps_per_call", 0, 0),
                train.intAtLeast("max_steps", 0, 0));
    }
}
