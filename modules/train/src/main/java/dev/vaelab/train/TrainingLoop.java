package dev.vaelab.train;

import dev.vaelab.core.error.DivergenceException;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.BatchPlanner;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.EpochPlan;
import dev.vaelab.data.ImageSet;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.onnx.runtime.TrainingProgram;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import dev.vaelab.onnx.runtime.TrainingSession;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.TrainingProgress;
import dev.vaelab.zoo.objective.Objective;
import dev.vaelab.zoo.objective.ObjectiveContext;
import dev.vaelab.zoo.objective.VaeGraphs;
import dev.vaelab.zoo.schedule.ScheduleContext;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains one resolved experiment: epochs of shuffled batches run in chunks of up to S steps per
 * ONNX Runtime call, β from its schedule at every step, validation and grids after each epoch,
 * a checkpoint at the end of each epoch and the test set at the end.
 *
 * <p>Logged every {@code log.every_steps} steps: the means over the steps since the last log of
 * loss, ELBO, reconstruction log-likelihood and KL, and the β, learning rate and throughput in
 * force. Steps count updates, so step s is logged after the s-th update.
 */
final class TrainingLoop {
    private static final int DEFAULT_STEPS_PER_CALL = 100;

    private final ResolvedExperiment rx;
    private final Dataset data;
    private final OrtEngine engine;
    private final RunLogger logger;
    private final Path modelDirectory;
    private final TrainingProgress progress;
    private final RandomStreams streams;
    private final VaeGraphs graphs;
    /** The latents by MIG contribution, once the final metrics of a factor dataset are computed. */
    private int[] migRanking;

    TrainingLoop(ResolvedExperiment rx, Dataset data, OrtEngine engine, RunLogger logger, Path modelDirectory,
                 TrainingProgress progress) {
        this.rx = rx;
        this.data = data;
        this.engine = engine;
        this.logger = logger;
        this.modelDirectory = modelDirectory;
        this.progress = progress;
        this.streams = new RandomStreams(rx.spec().seed());
        this.graphs = new VaeGraphs(rx.model(), rx.head(), data.shape().size(), data.numClasses());
    }

    VaeGraphs graphs() {
        return graphs;
    }

    /** The final metrics and the trained parameters. */
    record Result(Map<String, Double> summary, Map<String, float[]> parameters) {
    }

    /** Runs every epoch (after the checkpoint's, when resuming) and the final test. */
    Result run(java.util.Optional<Checkpoint> resumeFrom) {
        var spec = rx.spec();
        int batchSize = spec.train().batchSize();
        BatchPlanner planner = new BatchPlanner(data, batchSize, streams);
        int stepsPerEpoch = planner.batchesPerEpoch();
        if (stepsPerEpoch < 1) {
            throw new dev.vaelab.core.error.VaelabException("train.batch_size " + batchSize + " is larger than the "
                    + planner.examples() + " training examples");
        }
        int epochs = spec.train().epochs();
        // train.max_steps can end the run before its epochs are done, inside the last epoch
        long totalSteps = spec.train().maxSteps() > 0
                ? Math.min(spec.train().maxSteps(), (long) stepsPerEpoch * epochs)
                : (long) stepsPerEpoch * epochs;
        int lastEpoch = (int) ((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
        int stepsPerCall = spec.train().stepsPerCall() > 0
                ? Math.min(spec.train().stepsPerCall(), stepsPerEpoch)
                : Math.min(DEFAULT_STEPS_PER_CALL, stepsPerEpoch);
        Objective objective = rx.objective().apply(new ObjectiveContext(batchSize, rx.model().latentDim(),
                planner.examples(), new ScheduleContext(stepsPerEpoch, totalSteps)));
        int logEvery = spec.log().everySteps();
        int gridsEvery = spec.log().gridsEveryEpochs();
        ImageSet validation = data.validation().orElse(null);
        ImageSet gridImages = validation != null ? validation : data.test();

        TrainingProgram program = TrainingProgramBuilder.build(graphs.trainingStep(batchSize, objective),
                rx.optimizer().optimizer());
        Map<String, Double> summary = new LinkedHashMap<>();
        try (TrainingSession session = new TrainingSession(engine, program, stepsPerCall);
             Evaluator evaluator = new Evaluator(engine, graphs, data.shape().size(), data.numClasses(), streams);
             GridRenderer grids = new GridRenderer(engine, graphs, data.shape(), data.numClasses(), streams)) {
            session.initialize(streams.stream("init"));
            Window window = new Window();
            int firstEpoch = 1;
            if (resumeFrom.isPresent()) {
                Checkpoint c = resumeFrom.get();
                session.restore(c.values(), c.updates());
                firstEpoch = c.epochsDone() + 1;
                window.restore(c.counters());
            }
            float[] lr = new float[stepsPerCall];
            long step = session.updates();
            double[] klPerDim = null;
            if (gridsEvery > 0 && resumeFrom.isEmpty()) {
                // the untrained model's grids at step 0, so an image slider (MLflow's opens at step 0) shows a picture
                for (var grid : grids.render(session.parameters(), gridImages, (double[]) null).entrySet()) {
                    logger.logImage(grid.getKey(), 0, step, grid.getValue());
                }
            }
            for (int epoch = firstEpoch; epoch <= lastEpoch; epoch++) {
                EpochPlan plan = planner.epoch(epoch - 1);
                var noise = streams.stream("noise", epoch - 1);
                int epochSteps = (int) Math.min(stepsPerEpoch, totalSteps - (long) (epoch - 1) * stepsPerEpoch);
                progress.startEpoch(epoch, epochSteps);
                // the epoch's time covers everything its steps need: batches, noise, β and the ORT calls
                long epochStart = System.nanoTime();
                for (int first = 0; first < epochSteps; first += stepsPerCall) {
                    int steps = Math.min(stepsPerCall, epochSteps - first);
                    plan.fillImages(session.byteChunk("x"), first, steps);
                    if (rx.model().conditional()) {
                        plan.fillOneHot(session.chunk("y"), first, steps);
                    }
                    objective.fillStepInputs(session::chunk, step, steps, noise);
                    for (int i = 0; i < steps; i++) {
                        lr[i] = (float) rx.optimizer().lr();
                    }
                    long chunkStart = System.nanoTime();
                    Map<String, float[]> m = session.run(steps, lr);
                    long nanos = System.nanoTime() - chunkStart;
                    for (int i = 0; i < steps; i++) {
                        float loss = m.get("loss")[i];
                        if (!Float.isFinite(loss)) {
                            // the last, partial window is logged too, so that "kept" is true whatever log.every_steps is
                            if (window.steps() > 0) {
                                logWindow(window, objective, step);
                            }
                            logger.flush();
                            String kept = step == 0 ? "no metrics were logged before it"
                                    : String.format("the metrics up to step %d are kept", step);
                            throw new DivergenceException(step + 1, String.format(
                                    "training diverged: the loss became %s at step %d (epoch %d); %s. Try a lower "
                                            + "learning rate (train.optimizer.lr = %s) or a smaller β.", loss, step + 1,
                                    epoch, kept, rx.optimizer().lr()));
                        }
                        step++;
                        window.add(m, i, nanos / (double) steps, batchSize);
                        progress.step(step, batchSize, loss);
                        if (logEvery > 0 && step % logEvery == 0) {
                            logWindow(window, objective, step);
                        }
                    }
                }
                long epochNanos = System.nanoTime() - epochStart;
                Map<String, Double> epochMetrics = new LinkedHashMap<>();
                epochMetrics.put("epoch", (double) epoch);
                epochMetrics.put("train/epoch_seconds", epochNanos / 1e9);
                if (validation != null) {
                    var scores = evaluator.evaluate(validation, spec.eval().batchSize(), session.parameters(), "eval-noise");
                    epochMetrics.putAll(scores.metrics("val", true));
                    klPerDim = scores.klPerDim();
                }
                logger.logMetrics(epochMetrics, step);
                progress.endEpoch(consoleSummary(epochMetrics));
                if (gridsEvery > 0 && (epoch % gridsEvery == 0 || epoch == lastEpoch)) {
                    for (var grid : grids.render(session.parameters(), gridImages, klPerDim).entrySet()) {
                        logger.logImage(grid.getKey(), epoch, step, grid.getValue());
                    }
                }
                new Checkpoint(session.updates(), epoch, session.snapshot(), window.state()).write(modelDirectory.resolve("checkpoint"));
                logger.flush();
            }
            Map<String, Double> testMetrics = finalMetrics(evaluator, session.parameters(), grids);
            logger.logMetrics(testMetrics, step);
            if (migRanking != null && gridsEvery > 0) {
                // a factor dataset's traversals once more, one row per latent by MIG contribution
                logger.logImage("traversals_mig", lastEpoch, step, grids.traversals(session.parameters(), gridImages, migRanking));
            }
            summary.putAll(testMetrics);
            summary.put("train/steps", (double) step);
            return new Result(summary, session.snapshot());
        }
    }

    /**
     * The test set's ELBO terms; the importance-weighted NLL with {@code eval.iw_samples} samples
     * when asked for; bits per dimension from the tightest bound computed; and, for labelled data,
     * the accuracy of a linear probe on the latent means.
     */
    private Map<String, Double> finalMetrics(Evaluator evaluator, Map<String, ai.onnxruntime.OnnxTensor> parameters,
                                             GridRenderer grids) {
        var spec = rx.spec();
        var test = evaluator.evaluate(data.test(), spec.eval().batchSize(), parameters, "eval-noise");
        Map<String, Double> metrics = test.metrics("test", false);
        double nll = -test.elbo();
        int samples = spec.eval().iwSamples();
        if (samples > 0) {
            try (var iw = evaluator.importanceWeightSession(graphs, samples)) {
                nll = evaluator.importanceWeightedNll(data.test(), samples, parameters, iw);
            } catch (ai.onnxruntime.OrtException e) {
                throw new IllegalStateException(e);
            }
            metrics.put("test/nll_iw", nll);
        }
        metrics.put("test/bits_per_dim", nll / (data.shape().size() * Math.log(2)));
        if (rx.model().conditional()) {
            int[] gridLabels = new int[data.numClasses() * GridRenderer.classColumns()];
            float[] gridImages = grids.classImages(parameters, gridLabels);
            double[] accuracy = ClassGridProbe.accuracy(data.train(), data.test(), gridImages, gridLabels);
            metrics.put("probe/class_grid_accuracy", accuracy[0]);
            metrics.put("probe/class_grid_classifier_accuracy", accuracy[1]);
        }
        int disentanglementSamples = spec.eval().disentanglementSamples();
        if (data.test().hasFactors() && disentanglementSamples > 0) {
            try (LatentEncoder encoder = new LatentEncoder(engine, graphs)) {
                var outcome = new DisentanglementProbe(encoder, spec.seed())
                        .evaluate(data.test(), disentanglementSamples, parameters);
                metrics.putAll(outcome.scores());
                migRanking = outcome.latentRanking();
            }
        }
        if (data.train().hasLabels()) {
            try (LatentEncoder encoder = new LatentEncoder(engine, graphs)) {
                metrics.put("probe/accuracy", LatentProbe.accuracy(
                        encoder.means(data.train(), parameters), labels(data.train()),
                        encoder.means(data.test(), parameters), labels(data.test()), rx.model().latentDim()));
            }
        }
        return metrics;
    }

    private static int[] labels(ImageSet images) {
        return java.util.stream.IntStream.range(0, images.count()).map(images::label).toArray();
    }

    /** Logs the means over the window's steps, with the objective's values in force at {@code step}'s update. */
    private void logWindow(Window window, Objective objective, long step) {
        Map<String, Double> metrics = window.drain();
        metrics.putAll(objective.valuesInForce(step - 1));
        metrics.put("train/lr", rx.optimizer().lr());
        logger.logMetrics(metrics, step);
    }

    /** The few epoch metrics worth a line on the console. */
    private static Map<String, Double> consoleSummary(Map<String, Double> epochMetrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String key : new String[] {"train/epoch_seconds", "val/elbo", "val/recon_ll", "val/kl", "val/active_units"}) {
            if (epochMetrics.containsKey(key)) {
                out.put(key, epochMetrics.get(key));
            }
        }
        return out;
    }

    /** Sums of the per-step metrics since the last log. */
    private static final class Window {
        private final Map<String, Double> sums = new LinkedHashMap<>();
        private int steps;
        private double seconds;
        private long examples;

        void add(Map<String, float[]> m, int i, double stepNanos, int batchSize) {
            m.forEach((name, values) -> sums.merge(name, (double) values[i], Double::sum));
            steps++;
            seconds += stepNanos / 1e9;
            examples += batchSize;
        }

        int steps() {
            return steps;
        }

        /** The open window's sums, for a checkpoint. */
        Map<String, Double> state() {
            Map<String, Double> out = new LinkedHashMap<>();
            sums.forEach((name, sum) -> out.put("window/sum/" + name, sum));
            out.put("window/steps", (double) steps);
            out.put("window/seconds", seconds);
            out.put("window/examples", (double) examples);
            return out;
        }

        void restore(Map<String, Double> state) {
            sums.clear();
            state.forEach((key, value) -> {
                if (key.startsWith("window/sum/")) {
                    sums.put(key.substring("window/sum/".length()), value);
                }
            });
            steps = state.getOrDefault("window/steps", 0.0).intValue();
            seconds = state.getOrDefault("window/seconds", 0.0);
            examples = state.getOrDefault("window/examples", 0.0).longValue();
        }

        Map<String, Double> drain() {
            Map<String, Double> out = new LinkedHashMap<>();
            sums.forEach((name, sum) -> out.put("train/" + name, sum / steps));
            out.put("train/examples_per_sec", examples / seconds);
            sums.clear();
            steps = 0;
            seconds = 0;
            examples = 0;
            return out;
        }
    }

}
