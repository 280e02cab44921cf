package dev.vaelab.train;

import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.data.DatasetRegistry;
import dev.vaelab.export.ExportSpec;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.tracking.TrackingSpec;
import dev.vaelab.train.optim.OptimizerChoice;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.objective.Objective;
import dev.vaelab.zoo.objective.ObjectiveContext;
import java.util.function.Function;

/**
 * An experiment whose every section was validated and turned into components. The objective needs
 * the run's length and training set size, known once the data is loaded, hence a function of them.
 */
public record ResolvedExperiment(ExperimentSpec spec, DatasetRegistry.ConfiguredData data, VaeModel model, LikelihoodHead head,
                                 OptimizerChoice optimizer, Function<ObjectiveContext, Objective> objective,
                                 String resolvedYaml, RunSections sections) {
    /** The dataset's shape, labels and factors. */
    public DatasetInfo dataset() {
        return data.info();
    }

    /** {@code tracking.experiment}, else the experiment's name: the results folder and MLflow experiment. */
    public String experimentName() {
        return tracking().experiment().orElse(spec.name());
    }

    public TrainSpec train() {
        return sections.train();
    }

    public EvalSpec eval() {
        return sections.eval();
    }

    public LogSpec log() {
        return sections.log();
    }

    public ExportSpec export() {
        return sections.export();
    }

    public TrackingSpec tracking() {
        return sections.tracking();
    }
}
