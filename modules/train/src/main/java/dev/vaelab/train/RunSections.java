package dev.vaelab.train;

import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.export.ExportSpec;
import dev.vaelab.tracking.TrackingSpec;

/**
 * The run-side sections of an experiment, each parsed by the module that owns it: {@code train},
 * {@code eval} and {@code log} here, {@code export} by export, {@code tracking} by tracking.
 */
public record RunSections(TrainSpec train, EvalSpec eval, LogSpec log, ExportSpec export, TrackingSpec tracking) {
    /** Reads and validates the sections of {@code spec}, in the order of the file format. */
    public static RunSections parse(ExperimentSpec spec) {
        return new RunSections(TrainSpec.parse(spec.train()), EvalSpec.parse(spec.eval()), LogSpec.parse(spec.log()),
                ExportSpec.parse(spec.export()), TrackingSpec.parse(spec.tracking()));
    }
}
