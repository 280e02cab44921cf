package dev.vaelab.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A sweep expanded into validated, named runs.
 *
 * @param file the sweep's YAML file
 * @param experiment the results folder of every run ({@code tracking.experiment}, else {@code name})
 * @param spec the validated {@code sweep:} section
 * @param runs the distinct runs in sweep order
 * @param duplicates how many expanded runs had the config of an earlier one (one folder, run once)
 */
public record SweepPlan(Path file, String experiment, SweepSpec spec, List<PlannedRun> runs, int duplicates) {
    public SweepPlan {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(spec, "spec");
        runs = List.copyOf(runs);
    }
}
