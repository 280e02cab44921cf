package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import dev.vaelab.core.stop.StopRequest;
import dev.vaelab.data.DataModule;
import dev.vaelab.data.Dataset;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.zoo.ZooModule;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bound listeners together, on real training steps: a plugin's binding, and resuming from a checkpoint. */
class TrainerResumeTest {
    private static final Set<String> TIMINGS = Set.of("train/examples_per_sec", "train/epoch_seconds");
    private static final TypeLiteral<Set<TrainingListener>> LISTENERS = new TypeLiteral<>() { };

    @TempDir
    Path dir;

    /** Stops the run as a kill would, once epoch {@code epoch} begins. */
    private static final class Kill implements TrainingListener {
        private final int epoch;

        Kill(int epoch) {
            this.epoch = epoch;
        }

        @Override
        public void onEpochBegin(TrainingRun run, int e, int steps) {
            if (e == epoch) {
                throw new IllegalStateException("killed");
            }
        }
    }

    /** Stops the run as a kill would once the final report (the test metrics) is logged, before the run records its end. */
    private static final class KillAfterTheReport implements TrainingListener {
        @Override
        public int order() {
            return REPORT + 1;
        }

        @Override
        public void onTrainingEnd(TrainingRun run, java.util.Map<String, Double> results) {
            throw new IllegalStateException("killed");
        }
    }

    static final class PluginListener implements TrainingListener {
    }

    private static List<RecordingLogger.Row> untimed(RecordingLogger logger) {
        return logger.rows.stream().filter(r -> !TIMINGS.contains(r.key())).toList();
    }

    @Test
    void aPluginAddsAListenerWithOneBindingAndEachRunGetsFreshOnes() {
        var injector = Guice.createInjector(new ZooModule(), new HeadsModule(), new TrainModule(),
                new DataModule(), new AbstractModule() {
                    @Override
                    protected void configure() {
                        Multibinder.newSetBinder(binder(), TrainingListener.class).addBinding().to(PluginListener.class);
                    }
                });
        Set<TrainingListener> first = injector.getInstance(Key.get(LISTENERS));
        Set<TrainingListener> second = injector.getInstance(Key.get(LISTENERS));
        assertEquals(11, first.size());
        assertTrue(first.stream().anyMatch(l -> l instanceof PluginListener));
        MetricWindow a = (MetricWindow) first.stream().filter(l -> l instanceof MetricWindow).findFirst().orElseThrow();
        assertTrue(second.stream().noneMatch(l -> l == a));
        assertNotSame(first, second);
    }

    /** Trains with the bound listeners, plus {@code extra} if given, from {@code checkpoint} if given. */
    private static Trainer.Trained train(ResolvedExperiment rx, Dataset data, OrtEngine engine, RecordingLogger logger,
                                         Path model, Optional<Checkpoint> checkpoint, TrainingListener... extra) {
        Trainer trainer = new Trainer(() -> {
            Set<TrainingListener> listeners = new HashSet<>(TinyRuns.INJECTOR.getInstance(Key.get(LISTENERS)));
            listeners.addAll(List.of(extra));
            return listeners;
        }, StopRequest.NONE);
        return trainer.train(rx, data, engine, logger, model, TinyRuns.quietProgress(), checkpoint);
    }

    @Test
    void aResumedRunLogsWhatAnUninterruptedOneDoes() {
        ResolvedExperiment rx = TinyRuns.experiment("vae", "{epochs: 3, batch_size: 10, steps_per_call: 2}",
                "log: {every_steps: 4, grids_every_epochs: 0}\n");
        Dataset data = TinyRuns.data(rx, 30, true);
        OrtEngine engine = new OrtEngine(1, true);

        RecordingLogger whole = new RecordingLogger();
        var uninterrupted = train(rx, data, engine, whole, dir.resolve("whole"), Optional.empty());

        RecordingLogger killed = new RecordingLogger();
        Path model = dir.resolve("killed");
        assertThrows(IllegalStateException.class, () -> train(rx, data, engine, killed, model, Optional.empty(), new Kill(3)));
        Checkpoint checkpoint = Checkpoint.read(model.resolve("checkpoint"));
        assertEquals(2, checkpoint.epochsDone());
        assertEquals(6, checkpoint.updates());
        assertEquals(2.0, checkpoint.counters().get("window/steps"), "logged at 4: updates 5 and 6 are open");
        assertEquals(killed.rows.size(), checkpoint.metricRows(), "killed as epoch 3 began: every row came before the checkpoint");

        RecordingLogger resumed = new RecordingLogger();
        var afterResume = train(rx, data, engine, resumed, model, Optional.of(checkpoint));

        List<RecordingLogger.Row> joined = new java.util.ArrayList<>(untimed(killed));
        joined.addAll(untimed(resumed));
        assertEquals(untimed(whole), joined);
        assertEquals(uninterrupted.summary(), afterResume.summary());
        assertEquals(9.0, afterResume.summary().get("train/steps"));
    }

    @Test
    void aRunKilledAfterItsTestMetricsResumesWithoutLoggingThemTwice() {
        ResolvedExperiment rx = TinyRuns.experiment("vae", "{epochs: 2, batch_size: 10, steps_per_call: 2}",
                "log: {every_steps: 3, grids_every_epochs: 0}\n");
        Dataset data = TinyRuns.data(rx, 30, true);
        OrtEngine engine = new OrtEngine(1, true);
        RecordingLogger whole = new RecordingLogger();
        train(rx, data, engine, whole, dir.resolve("whole"), Optional.empty());

        RecordingLogger killed = new RecordingLogger();
        Path model = dir.resolve("killed");
        assertThrows(IllegalStateException.class, () -> train(rx, data, engine, killed, model, Optional.empty(),
                new KillAfterTheReport()));
        Checkpoint checkpoint = Checkpoint.read(model.resolve("checkpoint"));
        assertEquals(2, checkpoint.epochsDone(), "the last epoch's");
        List<RecordingLogger.Row> afterCheckpoint = killed.rows.subList((int) checkpoint.metricRows(), killed.rows.size());
        assertTrue(afterCheckpoint.stream().anyMatch(r -> r.key().equals("test/elbo"))
                && afterCheckpoint.stream().allMatch(r -> r.step() == checkpoint.updates()),
                "the final report (test metrics, probe) came after it, at its step: " + afterCheckpoint);

        RecordingLogger resumed = new RecordingLogger();
        train(rx, data, engine, resumed, model, Optional.of(checkpoint));
        // what the store keeps on resuming (the rows counted by the checkpoint), then what the resumed run logs
        List<RecordingLogger.Row> joined = new java.util.ArrayList<>(killed.rows.subList(0, (int) checkpoint.metricRows()));
        joined.addAll(resumed.rows);
        assertEquals(untimed(whole), joined.stream().filter(r -> !TIMINGS.contains(r.key())).toList());
    }
}
