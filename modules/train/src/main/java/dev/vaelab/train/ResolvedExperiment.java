package dev.vaelab.train;

import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.data.DatasetSpec;
import dev.vaelab.export.ExportSpec;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.tracking.TrackingSpec;
import dev.vaelab.train.optim.OptimizerChoice;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.schedule.BetaSchedule;
import dev.vaelab.zoo.schedule.ScheduleContext;
import java.util.function.Function;

/**
 * An experiment whose every section was validated and turned into components. The β schedule
 * needs the run's length, known once the data is loaded, hence a function of the context.
 */
public record ResolvedExperiment(ExperimentSpec spec, DatasetSpec dataset, VaeModel model, LikelihoodHead head,
                                 OptimizerChoice optimizer, Function<ScheduleContext, BetaSchedule> schedule,
                                 String resolvedYaml, RunSections sections) {
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
