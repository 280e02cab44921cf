package dev.vaelab.train;

import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.Dataset;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.TrainingProgress;
import dev.vaelab.zoo.objective.VaeGraphs;
import dev.vaelab.zoo.objective.Objective;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the loop and its listeners share about one run: the experiment, its data and graphs, the
 * engine and the step session, the plan of updates, the objective, the random streams, where
 * metrics and files go, and the checkpoint it resumes from, if any.
 */
public final class TrainingRun {
    private final ResolvedExperiment experiment;
    private final Dataset data;
    private final OrtEngine engine;
    private final VaeGraphs graphs;
    private final StepSession session;
    private final RunPlan plan;
    private final Objective objective;
    private final RandomStreams streams;
    private final RunLogger logger;
    private final TrainingProgress progress;
    private final Path modelDirectory;
    private final Optional<Checkpoint> resumedFrom;

    public TrainingRun(ResolvedExperiment experiment, Dataset data, OrtEngine engine, VaeGraphs graphs,
                       StepSession session, RunPlan plan, Objective objective, RandomStreams streams, RunLogger logger,
                       TrainingProgress progress, Path modelDirectory, Optional<Checkpoint> resumedFrom) {
        this.experiment = experiment;
        this.data = data;
        this.engine = engine;
        this.graphs = graphs;
        this.session = session;
        this.plan = plan;
        this.objective = objective;
        this.streams = streams;
        this.logger = logger;
        this.progress = progress;
        this.modelDirectory = modelDirectory;
        this.resumedFrom = resumedFrom;
    }

    public ResolvedExperiment experiment() {
        return experiment;
    }

    public Dataset data() {
        return data;
    }

    public OrtEngine engine() {
        return engine;
    }

    public VaeGraphs graphs() {
        return graphs;
    }

    public StepSession session() {
        return session;
    }

    public RunPlan plan() {
        return plan;
    }

    /** The training objective: its step inputs and the values in force it logs. */
    public Objective objective() {
        return objective;
    }

    /** The run's random streams, functions of the seed and a purpose (see {@link RandomStreams}). */
    public RandomStreams streams() {
        return streams;
    }

    public RunLogger logger() {
        return logger;
    }

    /** The console's progress line. */
    public TrainingProgress progress() {
        return progress;
    }

    /** The run store's {@code model/} folder. */
    public Path modelDirectory() {
        return modelDirectory;
    }

    public Optional<Checkpoint> resumedFrom() {
        return resumedFrom;
    }
}
