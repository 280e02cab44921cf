package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.Dataset;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import dev.vaelab.onnx.runtime.TrainingSession;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listeners that evaluate the parameters, on a tiny model in ONNX Runtime (freshly initialised, not trained). */
class EvaluatingListenersTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};
    private static OrtEngine engine;

    @TempDir
    Path dir;

    private final RecordingLogger logger = new RecordingLogger();
    private StepSession session;

    @BeforeAll
    static void startEngine() {
        engine = new OrtEngine(1, true);
    }

    private TrainingRun run(String model, String extra, boolean validation) {
        ResolvedExperiment rx = TinyRuns.experiment(model, "{epochs: 3, batch_size: 10}", extra);
        Dataset data = TinyRuns.data(rx, 30, validation);
        TrainingRun probe = TinyRuns.realRun(rx, data, engine, null, logger, dir);
        session = new OrtStepSession(new TrainingSession(engine, TrainingProgramBuilder.build(
                probe.graphs().trainingStep(probe.plan().batchSize(), probe.objective()), rx.optimizer().optimizer()),
                probe.plan().stepsPerCall()));
        session.initialize(new RandomStreams(rx.spec().seed()).stream("init"));
        return TinyRuns.realRun(rx, data, engine, session, logger, dir);
    }

    @org.junit.jupiter.api.AfterEach
    void closeSession() {
        if (session != null) {
            session.close();
        }
    }

    private static double bitsPerDim(double nll) {
        return nll / (28 * 28 * Math.log(2));
    }

    @Test
    void validationAddsTheElboTermsPerDimensionKlAndActiveUnits() {
        TrainingRun run = run("vae", "", true);
        EpochEnd epoch = new EpochEnd(1, 3, 0.5, Map.of());
        try (ValidationListener validation = new ValidationListener()) {
            validation.onEpochEnd(run, epoch);
        }
        Map<String, Double> m = epoch.metrics();
        assertEquals(List.of("epoch", "train/epoch_seconds", "val/elbo", "val/recon_ll", "val/kl", "val/kl_dim/00",
                "val/kl_dim/01", "val/active_units"), List.copyOf(m.keySet()));
        assertEquals(m.get("val/recon_ll") - m.get("val/kl"), m.get("val/elbo"), 1e-9);
        assertEquals(m.get("val/kl"), m.get("val/kl_dim/00") + m.get("val/kl_dim/01"), 1e-9);
        assertTrue(m.get("val/recon_ll") < 0 && m.get("val/kl") > 0, m.toString());
        assertArrayEquals(new double[] {m.get("val/kl_dim/00"), m.get("val/kl_dim/01")}, epoch.klPerDim().orElseThrow());
    }

    @Test
    void withoutAValidationSplitNothingIsAdded() {
        TrainingRun run = run("vae", "", false);
        EpochEnd epoch = new EpochEnd(1, 3, 0.5, Map.of());
        try (ValidationListener validation = new ValidationListener()) {
            validation.onEpochEnd(run, epoch);
        }
        assertEquals(List.of("epoch", "train/epoch_seconds"), List.copyOf(epoch.metrics().keySet()));
        assertTrue(epoch.klPerDim().isEmpty());
    }

    @Test
    void testMetricsGiveBitsPerDimFromTheElboWithoutImportanceSamples() {
        TrainingRun run = run("vae", "", true);
        Map<String, Double> results = new LinkedHashMap<>();
        new TestMetricsListener().onTrainingEnd(run, results);
        assertEquals(List.of("test/elbo", "test/recon_ll", "test/kl", "test/bits_per_dim"), List.copyOf(results.keySet()));
        assertEquals(results.get("test/recon_ll") - results.get("test/kl"), results.get("test/elbo"), 1e-9);
        assertEquals(bitsPerDim(-results.get("test/elbo")), results.get("test/bits_per_dim"), 1e-12);
    }

    @Test
    void testMetricsGiveBitsPerDimFromTheImportanceWeightedBoundWhenAskedFor() {
        TrainingRun run = run("vae", "eval: {iw_samples: 8}\n", true);
        Map<String, Double> results = new LinkedHashMap<>();
        new TestMetricsListener().onTrainingEnd(run, results);
        double nll = results.get("test/nll_iw");
        assertEquals(bitsPerDim(nll), results.get("test/bits_per_dim"), 1e-12);
        assertTrue(Double.isFinite(nll) && nll > 0, "an NLL of binary-ish pixels is positive: " + nll);
    }

    @Test
    void gridsAreDrawnEveryNEpochsAndAfterTheLast() {
        TrainingRun run = run("vae", "log: {grids_every_epochs: 2}\n", true);
        try (GridListener grids = new GridListener()) {
            for (int epoch = 1; epoch <= 3; epoch++) {
                grids.onEpochEnd(run, new EpochEnd(epoch, epoch * 3L, 0.1, Map.of()));
            }
        }
        assertEquals(List.of("samples 2", "reconstructions 2", "traversals 2", "samples 3", "reconstructions 3",
                "traversals 3"), logger.images.stream().map(i -> i.kind() + " " + i.epoch()).toList());
        logger.images.forEach(i -> assertArrayEquals(PNG, java.util.Arrays.copyOf(i.png(), 4), i.kind()));
        assertEquals(6L, logger.images.get(0).step());
    }

    @Test
    void gridsCanBeSwitchedOff() {
        TrainingRun run = run("vae", "log: {grids_every_epochs: 0}\n", true);
        try (GridListener grids = new GridListener()) {
            grids.onEpochEnd(run, new EpochEnd(3, 9, 0.1, Map.of()));
        }
        assertTrue(logger.images.isEmpty());
    }

    @Test
    void probesScoreTheLatentMeansAndAConditionalModelsClassGrid() {
        Map<String, Double> plain = new LinkedHashMap<>();
        new ProbeListener().onTrainingEnd(run("vae", "", true), plain);
        assertEquals(List.of("probe/accuracy"), List.copyOf(plain.keySet()));
        assertTrue(plain.get("probe/accuracy") >= 0 && plain.get("probe/accuracy") <= 1);
        session.close();
        Map<String, Double> conditional = new LinkedHashMap<>();
        new ProbeListener().onTrainingEnd(run("cvae", "", true), conditional);
        assertEquals(List.of("probe/class_grid_accuracy", "probe/class_grid_classifier_accuracy", "probe/accuracy"),
                List.copyOf(conditional.keySet()));
        assertFalse(conditional.values().stream().anyMatch(v -> v < 0 || v > 1), conditional.toString());
    }
}
