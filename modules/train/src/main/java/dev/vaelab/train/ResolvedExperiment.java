package dev.vaelab.train;

import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.data.DatasetRegistry;
import dev.vaelab.heads.LikelihoodHead;
import dev.vaelab.train.optim.OptimizerChoice;
import dev.vaelab.zoo.model.VaeModel;
import dev.vaelab.zoo.schedule.BetaSchedule;
import dev.vaelab.zoo.schedule.ScheduleContext;
import java.util.function.Function;

/**
 * An experiment whose every section was validated and turned into components. The β schedule
 * needs the run's length, known once the data is loaded, hence a function of the context.
 */
public record ResolvedExperiment(ExperimentSpec spec, DatasetRegistry.ConfiguredData data, VaeModel model, LikelihoodHead head,
                                 OptimizerChoice optimizer, Function<ScheduleContext, BetaSchedule> schedule,
                                 String resolvedYaml) {
    /** The dataset's shape, labels and factors. */
    public DatasetInfo dataset() {
        return data.info();
    }

    /** {@code tracking.experiment}, else the experiment's name: the results folder and MLflow experiment. */
    public String experimentName() {
        return spec.tracking().experiment().orElse(spec.name());
    }
}
