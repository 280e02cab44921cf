package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DivergenceException;
import dev.vaelab.core.stop.StopRequest;
import dev.vaelab.tracking.TrainingProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listeners that need no engine, on runs whose steps a fake session makes. */
class StepListenersTest {
    @TempDir
    Path dir;

    private final RecordingLogger logger = new RecordingLogger();

    /** 10 training examples in batches of 2: 5 updates per epoch; the loss of update s is s. */
    private TrainingRun run(String train, String log, FakeStepSession session) {
        ResolvedExperiment rx = TinyRuns.experiment("vae", train, "log: " + log + "\n");
        return TinyRuns.fakeRun(rx, TinyRuns.data(rx, 10, false), session, logger, dir, Optional.empty());
    }

    private static StepResult step(long number, float loss, double nanos) {
        return new StepResult(number, 1, Map.of("loss", new float[] {loss}), 0, nanos);
    }

    @Test
    void theWindowLogsMeansThroughputAndTheScheduleInForce() {
        TrainingRun run = run("{epochs: 1, batch_size: 2}", "{every_steps: 2}", new FakeStepSession(5, s -> s));
        MetricWindow window = new MetricWindow();
        window.onStep(run, step(1, 1f, 0.25e9));
        assertTrue(logger.rows.isEmpty());
        window.onStep(run, step(2, 4f, 0.25e9));
        assertEquals(Map.of("train/loss", 2.5, "train/examples_per_sec", 4 / 0.5, "train/beta", 1.0, "train/lr", 1e-3),
                logger.batches.get(0));
        assertTrue(logger.rows.stream().allMatch(r -> r.step() == 2));
        window.onStep(run, step(3, 10f, 1e9));
        window.onStep(run, step(4, 20f, 1e9));
        assertEquals(15.0, logger.batches.get(1).get("train/loss"), "the window starts afresh after a log");
        assertEquals(2.0, logger.batches.get(1).get("train/examples_per_sec"));
    }

    @Test
    void aRestoredWindowLogsWhatAnUninterruptedOneDoes() {
        TrainingRun run = run("{epochs: 1, batch_size: 2}", "{every_steps: 4}", new FakeStepSession(5, s -> s));
        MetricWindow whole = new MetricWindow();
        MetricWindow first = new MetricWindow();
        for (int s = 1; s <= 6; s++) {
            whole.onStep(run, step(s, s * 0.7f, 1e6 * s));
            first.onStep(run, step(s, s * 0.7f, 1e6 * s));
        }
        MetricWindow resumed = new MetricWindow();
        resumed.restore(first.state());
        int before = logger.batches.size();
        for (int s = 7; s <= 8; s++) {
            whole.onStep(run, step(s, s * 0.7f, 1e6 * s));
            resumed.onStep(run, step(s, s * 0.7f, 1e6 * s));
        }
        List<Map<String, Double>> logged = logger.batches.subList(before, logger.batches.size());
        assertEquals(2, logged.size());
        assertEquals(logged.get(0), logged.get(1));
        assertEquals((5 + 6 + 7 + 8) * 0.7 / 4, logged.get(0).get("train/loss"), 1e-6);
    }

    @Test
    void theCapacityScheduleIsLoggedBesideBeta() {
        ResolvedExperiment rx = TinyRuns.experiment("beta-vae", "{epochs: 2, batch_size: 2}",
                "beta: {type: capacity, c_max: 10.0, gamma: 100.0, warmup_epochs: 2}\nlog: {every_steps: 5}\n");
        TrainingRun run = TinyRuns.fakeRun(rx, TinyRuns.data(rx, 10, false), new FakeStepSession(5, s -> s), logger, dir,
                Optional.empty());
        MetricWindow window = new MetricWindow();
        for (int s = 1; s <= 5; s++) {
            window.onStep(run, step(s, 1f, 1e6));
        }
        // C rises linearly over 10 updates to 10 nats; the value logged is the one the 5th update used
        assertEquals(run.objective().valuesInForce(4).get("train/capacity"), logger.batches.get(0).get("train/capacity"));
        assertEquals(4.0, logger.batches.get(0).get("train/capacity"), 1e-9);
        assertEquals(100.0, logger.batches.get(0).get("train/beta"));
    }

    @Test
    void theGuardStopsAtTheFirstNonFiniteLossBeforeItIsLogged() {
        FakeStepSession session = new FakeStepSession(5, s -> s == 3 ? Double.NaN : s);
        TrainingRun run = run("{epochs: 2, batch_size: 2}", "{every_steps: 1}", session);
        var loop = new TrainingLoop(run, List.of(new MetricWindow(), new DivergenceGuard()), StopRequest.NONE);
        DivergenceException e = assertThrows(DivergenceException.class, loop::run);
        assertEquals(3, e.step());
        assertTrue(e.getMessage().contains("the loss became NaN at step 3 (epoch 1); the metrics up to step 2 are kept"),
                e.getMessage());
        assertEquals(List.of(1.0, 2.0), logger.rows("train/loss").stream().map(RecordingLogger.Row::value).toList());
        assertEquals(1, logger.flushes);
    }

    @Test
    void atADivergenceThePartialWindowIsLoggedBeforeTheRunStops() {
        FakeStepSession session = new FakeStepSession(5, s -> s == 3 ? Double.NaN : s);
        TrainingRun run = run("{epochs: 2, batch_size: 2}", "{every_steps: 5}", session);
        var loop = new TrainingLoop(run, List.of(new DivergenceGuard(), new MetricWindow()), StopRequest.NONE);
        assertThrows(DivergenceException.class, loop::run);
        assertEquals(List.of(new RecordingLogger.Row("train/loss", 1.5, 2)), logger.rows("train/loss"));
        FakeStepSession first = new FakeStepSession(5, s -> Double.NaN);
        var e = assertThrows(DivergenceException.class, () -> new TrainingLoop(
                run("{epochs: 1, batch_size: 2}", "{every_steps: 5}", first), List.of(new MetricWindow(), new DivergenceGuard()), StopRequest.NONE).run());
        assertTrue(e.getMessage().contains("at step 1 (epoch 1); no metrics were logged before it"), e.getMessage());
    }

    @Test
    void theReportLogsEpochsAtTheirLastStepAndTheResultsAtTheEnd() {
        TrainingRun run = run("{epochs: 2, batch_size: 2}", "{}", new FakeStepSession(5, s -> s));
        TrainingListener result = new TrainingListener() {
            @Override
            public void onTrainingEnd(TrainingRun r, Map<String, Double> results) {
                results.put("test/elbo", -90.0);
            }

            @Override
            public int order() {
                return EVALUATION;
            }
        };
        new TrainingLoop(run, List.of(new ReportListener(), result), StopRequest.NONE).run();
        assertEquals(List.of(5L, 10L), logger.rows("epoch").stream().map(RecordingLogger.Row::step).toList());
        assertEquals(List.of(1.0, 2.0), logger.rows("epoch").stream().map(RecordingLogger.Row::value).toList());
        assertEquals(2, logger.rows("train/epoch_seconds").size());
        assertEquals(List.of(new RecordingLogger.Row("test/elbo", -90.0, 10)), logger.rows("test/elbo"));
    }

    @Test
    void aCheckpointHoldsTheUpdatesTheEpochTheParametersAndTheOpenWindow() {
        FakeStepSession session = new FakeStepSession(5, s -> s);
        TrainingRun run = run("{epochs: 2, batch_size: 2}", "{every_steps: 3}", session);
        new TrainingLoop(run, List.of(new MetricWindow(), new CheckpointListener(StopRequest.NONE)), StopRequest.NONE).run();
        Checkpoint c = Checkpoint.read(dir.resolve("checkpoint"));
        assertEquals(10, c.updates());
        assertEquals(2, c.epochsDone());
        assertEquals(10f, c.values().get("updates")[0]);
        // logged at 3, 6 and 9: update 10 is open
        assertEquals(1.0, c.counters().get("window/steps"));
        assertEquals(10.0, c.counters().get("window/sum/loss"));
        assertEquals(2.0, c.counters().get("window/examples"));
        assertEquals(logger.rows.size(), c.metricRows(), "the rows of the three windows logged before it");
        assertEquals(3 * 5, c.metricRows(), "three windows of loss, update, throughput, β and learning rate");
        assertEquals(2, logger.flushes, "flushed before each epoch's checkpoint");
    }

    @Test
    void aRunAskedToStopWritesNoCheckpointForTheEpochItWasAskedIn() {
        FakeStepSession session = new FakeStepSession(5, s -> s);
        TrainingRun run = run("{epochs: 2, batch_size: 2}", "{every_steps: 3}", session);
        java.util.concurrent.atomic.AtomicReference<StopRequest.Stop> asked = new java.util.concurrent.atomic.AtomicReference<>();
        StopRequest stop = () -> Optional.ofNullable(asked.get());
        // asked while epoch 2's report is logged (the stop ends logging, so the report may be lost)
        TrainingListener stopping = new TrainingListener() {
            @Override
            public void onEpochEnd(TrainingRun r, EpochEnd epoch) {
                if (epoch.epoch() == 2) {
                    asked.set(new StopRequest.Stop(143, "SIGTERM"));
                }
            }
        };
        var thrown = assertThrows(dev.vaelab.core.error.RunStoppedException.class, () -> new TrainingLoop(run,
                List.of(new MetricWindow(), stopping, new CheckpointListener(stop)), StopRequest.NONE).run());
        assertTrue(thrown.getMessage().contains("epoch 2's checkpoint was not written"), thrown.getMessage());
        assertEquals(1, Checkpoint.read(dir.resolve("checkpoint")).epochsDone(), "epoch 1's stands");
    }

    @Test
    void progressShowsTheEpochsHeadlineMetricsOnly() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResolvedExperiment rx = TinyRuns.experiment("vae", "{epochs: 1, batch_size: 2}", "");
        TrainingRun base = TinyRuns.fakeRun(rx, TinyRuns.data(rx, 10, false), new FakeStepSession(5, s -> s), logger, dir,
                Optional.empty());
        TrainingRun run = new TrainingRun(base.experiment(), base.data(), null, null, base.session(), base.plan(),
                base.objective(), base.streams(), logger,
                new TrainingProgress(new PrintStream(out, true, StandardCharsets.UTF_8), false, 1, System::nanoTime),
                dir, Optional.empty());
        TrainingListener validation = new TrainingListener() {
            @Override
            public int order() {
                return EVALUATION;
            }

            @Override
            public void onEpochEnd(TrainingRun r, EpochEnd epoch) {
                epoch.metrics().put("val/elbo", -123.25);
                epoch.metrics().put("val/kl_dim/00", 7.0);
            }
        };
        new TrainingLoop(run, List.of(new ProgressListener(), validation), StopRequest.NONE).run();
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("epoch 1/1"), text);
        assertTrue(text.contains("val/elbo"), text);
        assertTrue(!text.contains("kl_dim"), text);
    }
}
