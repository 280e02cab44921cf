package dev.vaelab.zoo.schedule;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigMap;
import java.util.OptionalDouble;

/**
 * A schedule's length or position given as {@code <name>_steps} or {@code <name>_epochs} (one of
 * the two), converted to steps with the run's steps per epoch.
 */
final class Durations {
    private Durations() {
    }

    /**
     * The value in steps (fractional when given in epochs); {@code defaultEpochs} applies (and is
     * recorded) when neither key is written, and without one the pair is required.
     */
    static double steps(ConfigMap options, String name, ScheduleContext context, OptionalDouble defaultEpochs) {
        String stepsKey = name + "_steps";
        String epochsKey = name + "_epochs";
        boolean bySteps = options.has(stepsKey);
        if (bySteps && options.has(epochsKey)) {
            throw options.invalid(stepsKey, "give either " + epochsKey + " or " + stepsKey + ", not both");
        }
        if (bySteps) {
            options.node(epochsKey);
            return options.intAtLeast(stepsKey, 0);
        }
        options.node(stepsKey);
        if (!options.has(epochsKey) && defaultEpochs.isEmpty()) {
            throw new ConfigException(options.location(), "missing '" + epochsKey + "' or '" + stepsKey + "' in '"
                    + options.path() + "'");
        }
        double epochs = defaultEpochs.isPresent()
                ? options.numberAtLeast(epochsKey, 0.0, defaultEpochs.getAsDouble())
                : options.numberAtLeast(epochsKey, 0.0);
        return epochs * context.stepsPerEpoch();
    }
}
