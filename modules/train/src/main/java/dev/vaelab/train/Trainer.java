package dev.vaelab.train;

import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.core.stop.StopRequest;
import dev.vaelab.data.Dataset;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.onnx.runtime.TrainingProgram;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import dev.vaelab.onnx.runtime.TrainingSession;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.TrainingProgress;
import dev.vaelab.zoo.objective.VaeGraphs;
import dev.vaelab.zoo.objective.Objective;
import dev.vaelab.zoo.objective.ObjectiveContext;
import dev.vaelab.zoo.schedule.ScheduleContext;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Assembles one run's training: the plan of updates, the objective over it, the step graph in an
 * ONNX Runtime session, and a fresh set of the bound {@link TrainingListener}s; then runs the loop.
 */
final class Trainer {
    private final Provider<Set<TrainingListener>> listeners;
    private final StopRequest stop;

    @Inject
    Trainer(Provider<Set<TrainingListener>> listeners, StopRequest stop) {
        this.listeners = listeners;
        this.stop = stop;
    }

    /** What training produced: the graphs (for export), the final metrics and the trained parameters. */
    record Trained(VaeGraphs graphs, Map<String, Double> summary, Map<String, float[]> parameters) {
    }

    Trained train(ResolvedExperiment rx, Dataset data, OrtEngine engine, RunLogger logger, Path modelDirectory,
                  TrainingProgress progress, Optional<Checkpoint> resumeFrom) {
        VaeGraphs graphs = new VaeGraphs(rx.model(), rx.head(), data.shape().size(), data.numClasses());
        RunPlan plan = RunPlan.of(rx.train(), data.name(), data.train().count());
        Objective objective = rx.objective().apply(new ObjectiveContext(plan.batchSize(), rx.model().latentDim(),
                data.train().count(), new ScheduleContext(plan.stepsPerEpoch(), plan.totalSteps())));
        TrainingProgram program = TrainingProgramBuilder.build(graphs.trainingStep(plan.batchSize(), objective),
                rx.optimizer().optimizer(), engine.updatesInPlace());
        try (StepSession session = new OrtStepSession(new TrainingSession(engine, program, plan.stepsPerCall()))) {
            TrainingRun run = new TrainingRun(rx, data, engine, graphs, session, plan, objective,
                    new RandomStreams(rx.spec().seed()), logger, progress, modelDirectory, resumeFrom);
            TrainingLoop.Result result = new TrainingLoop(run, listeners.get(), stop).run();
            return new Trained(graphs, result.summary(), result.parameters());
        }
    }
}
