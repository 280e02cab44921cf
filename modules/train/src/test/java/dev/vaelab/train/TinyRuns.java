package dev.vaelab.train;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.data.Binarization;
import dev.vaelab.data.DataModule;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.data.ImageSet;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.tracking.TrainingProgress;
import dev.vaelab.zoo.ZooModule;
import dev.vaelab.zoo.objective.VaeGraphs;
import dev.vaelab.zoo.objective.Objective;
import dev.vaelab.zoo.objective.ObjectiveContext;
import dev.vaelab.zoo.schedule.ScheduleContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;

/** Tiny experiments on synthetic MNIST-shaped data, resolved as a real run resolves them. */
final class TinyRuns {
    static final Injector INJECTOR = Guice.createInjector(new ZooModule(), new HeadsModule(), new TrainModule(),
            new DataModule());

    private TinyRuns() {
    }

    /** A small VAE on mnist-shaped data; {@code extra} lines are appended to the YAML (later keys win). */
    static ResolvedExperiment experiment(String model, String train, String extra) {
        String yaml = "name: tiny\nseed: 3\ndata: {dataset: mnist, binarize: none, validation: 20}\n"
                + "model: {type: " + model + ", latent_dim: 2, encoder: {type: mlp, hidden: [8]}, "
                + "decoder: {type: mlp, hidden: [8]}}\n"
                + "likelihood: {type: bernoulli}\n"
                + "train: " + train + "\n"
                + extra;
        ExperimentSpec spec = ExperimentSpec.parse(ConfigLoader.parse(yaml, "tiny.yaml"));
        return INJECTOR.getInstance(ExperimentResolver.class).resolve(spec);
    }

    /** {@code train} training images, 20 validation (when {@code validation}) and 20 test, labelled, random grey levels. */
    static Dataset data(ResolvedExperiment rx, int train, boolean validation) {
        DatasetInfo spec = rx.dataset();
        SplittableRandom random = new SplittableRandom(11);
        return new Dataset(spec, images(spec, train, random),
                validation ? Optional.of(images(spec, 20, random)) : Optional.empty(),
                images(spec, 20, random), Binarization.NONE);
    }

    private static ImageSet images(DatasetInfo spec, int count, SplittableRandom random) {
        byte[] pixels = new byte[count * spec.shape().size()];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % spec.numClasses();
            for (int p = 0; p < spec.shape().size(); p++) {
                // the label shifts the grey level, so a linear probe has something to find
                pixels[i * spec.shape().size() + p] = (byte) Math.min(255, random.nextInt(128) + 12 * labels[i]);
            }
        }
        return ImageSet.of(spec.shape(), pixels, Optional.of(labels), spec.labelNames());
    }

    static TrainingProgress quietProgress() {
        return new TrainingProgress(new PrintStream(new ByteArrayOutputStream()), false, 1, System::nanoTime);
    }

    /** A run of {@code rx} on {@code data} whose steps go to {@code session}; no engine behind it. */
    static TrainingRun fakeRun(ResolvedExperiment rx, Dataset data, StepSession session, RecordingLogger logger,
                               Path modelDirectory, Optional<Checkpoint> resumeFrom) {
        RunPlan plan = RunPlan.of(rx.train(), data.name(), data.train().count());
        Objective objective = rx.objective().apply(new ObjectiveContext(plan.batchSize(), rx.model().latentDim(),
                data.train().count(), new ScheduleContext(plan.stepsPerEpoch(), plan.totalSteps())));
        return new TrainingRun(rx, data, null, null, session, plan, objective, new RandomStreams(rx.spec().seed()), logger,
                quietProgress(), modelDirectory, resumeFrom);
    }

    /** A run of {@code rx} on {@code data} with a real engine and graphs, for the listeners that evaluate. */
    static TrainingRun realRun(ResolvedExperiment rx, Dataset data, OrtEngine engine, StepSession session,
                               RecordingLogger logger, Path modelDirectory) {
        RunPlan plan = RunPlan.of(rx.train(), data.name(), data.train().count());
        Objective objective = rx.objective().apply(new ObjectiveContext(plan.batchSize(), rx.model().latentDim(),
                data.train().count(), new ScheduleContext(plan.stepsPerEpoch(), plan.totalSteps())));
        VaeGraphs graphs = new VaeGraphs(rx.model(), rx.head(), data.shape().size(), data.numClasses());
        return new TrainingRun(rx, data, engine, graphs, session, plan, objective, new RandomStreams(rx.spec().seed()), logger,
                quietProgress(), modelDirectory, Optional.empty());
    }
}
