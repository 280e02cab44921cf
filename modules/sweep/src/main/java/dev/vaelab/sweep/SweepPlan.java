package dev.vaelab.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A sweep expanded into validated, named runs.
 *
 * @param file the sweep's YAML file
 * @param experiment the results folder of every run ({@code tracking.experiment}, else {@code name})
 * @param spec the validated {@code sweep:} section
 * @param runs the distinct runs in sweep order
 * @param duplicates how many expanded runs had the config of an earlier one (one folder, run once)
 * @param definitionYaml the experiment with its sweep as planned ({@code --set} applied): the sweep's
 *     parent run records it
 * @param trackingUri the experiment's {@code tracking.uri}, if it has one
 */
public record SweepPlan(Path file, String experiment, SweepSpec spec, List<PlannedRun> runs, int duplicates,
                        String definitionYaml, Optional<String> trackingUri) {
    public SweepPlan {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(spec, "spec");
        runs = List.copyOf(runs);
        Objects.requireNonNull(definitionYaml, "definitionYaml");
        Objects.requireNonNull(trackingUri, "trackingUri");
    }

    /** A plan whose definition and tracking are not recorded (tests, tools). */
    public SweepPlan(Path file, String experiment, SweepSpec spec, List<PlannedRun> runs, int duplicates) {
        this(file, experiment, spec, runs, duplicates, "name: " + experiment + "\n", Optional.empty());
    }
}
