package dev.vaelab.train;

import dev.vaelab.core.config.ConfigMap;
import java.util.List;

/**
 * The {@code log:} section.
 *
 * @param everySteps training metrics are logged every this many steps (default 50)
 * @param gridsEveryEpochs image grids are written every this many epochs, 0 for never (default 1)
 */
public record LogSpec(int everySteps, int gridsEveryEpochs) {
    private static final List<String> KEYS = List.of("every_steps", "grids_every_epochs");

    /** Reads and validates the section. */
    public static LogSpec parse(ConfigMap log) {
        log.allowOnly(KEYS);
        return new LogSpec(log.positiveInt("every_steps", 50), log.intAtLeast("grids_every_epochs", 0, 1));
    }
}
