package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.RunStoppedException;
import dev.vaelab.core.stop.StopRequest;
import dev.vaelab.data.Dataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLoopTest {
    @TempDir
    Path dir;

    /** Writes every event it gets into a shared journal, under its name. */
    private static final class Journal implements TrainingListener {
        private final String name;
        private final int order;
        private final List<String> journal;
        final Map<String, Double> restored = new LinkedHashMap<>();

        Journal(String name, int order, List<String> journal) {
            this.name = name;
            this.order = order;
            this.journal = journal;
        }

        @Override
        public int order() {
            return order;
        }

        @Override
        public void restore(Map<String, Double> counters) {
            restored.putAll(counters);
            journal.add(name + " restore");
        }

        @Override
        public void onTrainingBegin(TrainingRun run) {
            journal.add(name + " begin " + run.session().updates());
        }

        @Override
        public void onEpochBegin(TrainingRun run, int epoch, int steps) {
            journal.add(name + " epoch " + epoch + " of " + steps);
        }

        @Override
        public void onStep(TrainingRun run, StepResult step) {
            journal.add(name + " step " + step.step() + " e" + step.epoch() + " update " + step.value("update"));
        }

        @Override
        public void onEpochEnd(TrainingRun run, EpochEnd epoch) {
            journal.add(name + " end " + epoch.epoch() + " at " + epoch.step());
        }

        @Override
        public void onTrainingEnd(TrainingRun run, Map<String, Double> results) {
            results.put("result/" + name, (double) order);
            journal.add(name + " finish");
        }

        @Override
        public Map<String, Double> state() {
            return Map.of(name + "/seen", (double) journal.size());
        }

        @Override
        public void close() {
            journal.add(name + " close");
        }
    }

    private record Setup(ResolvedExperiment rx, Dataset data) {
    }

    /** 10 training examples in batches of 2: 5 updates per epoch. */
    private static Setup setup(String train) {
        ResolvedExperiment rx = TinyRuns.experiment("vae", train, "");
        return new Setup(rx, TinyRuns.data(rx, 10, false));
    }

    private TrainingLoop.Result run(Setup s, FakeStepSession session, Optional<Checkpoint> resume, TrainingListener... ls) {
        TrainingRun run = TinyRuns.fakeRun(s.rx(), s.data(), session, new RecordingLogger(), dir, resume);
        return new TrainingLoop(run, List.of(ls), StopRequest.NONE).run();
    }

    @Test
    void eventsFollowTheContractAndTheListenersTheirOrder() {
        Setup s = setup("{epochs: 2, batch_size: 2, steps_per_call: 3}");
        List<String> journal = new ArrayList<>();
        FakeStepSession session = new FakeStepSession(3, step -> 1.0);
        // bound last but ordered first
        var result = run(s, session, Optional.empty(), new Journal("b", 900, journal), new Journal("a", 0, journal));
        List<String> expected = new ArrayList<>(List.of("a begin 0", "b begin 0"));
        long step = 0;
        for (int epoch = 1; epoch <= 2; epoch++) {
            expected.add("a epoch " + epoch + " of 5");
            expected.add("b epoch " + epoch + " of 5");
            for (int i = 0; i < 5; i++) {
                step++;
                expected.add("a step " + step + " e" + epoch + " update " + (float) step);
                expected.add("b step " + step + " e" + epoch + " update " + (float) step);
            }
            expected.add("a end " + epoch + " at " + step);
            expected.add("b end " + epoch + " at " + step);
        }
        expected.addAll(List.of("a finish", "b finish", "a close", "b close"));
        assertEquals(expected, journal);
        assertEquals(List.of("initialize"), session.events);
        assertEquals(List.of(3, 2, 3, 2), session.calls, "a call never crosses an epoch's end");
        assertEquals(List.of("result/a", "result/b", "train/steps"), List.copyOf(result.summary().keySet()));
        assertEquals(10.0, result.summary().get("train/steps"));
    }

    @Test
    void maxStepsCutsTheLastEpochShort() {
        Setup s = setup("{epochs: 3, batch_size: 2, max_steps: 7}");
        List<String> journal = new ArrayList<>();
        FakeStepSession session = new FakeStepSession(5, step -> 1.0);
        var result = run(s, session, Optional.empty(), new Journal("a", 0, journal));
        assertEquals(List.of(5, 2), session.calls);
        assertTrue(journal.contains("a epoch 2 of 2"), journal.toString());
        assertTrue(journal.contains("a end 2 at 7"), journal.toString());
        assertTrue(journal.stream().noneMatch(e -> e.startsWith("a epoch 3")), journal.toString());
        assertEquals(7.0, result.summary().get("train/steps"));
    }

    @Test
    void aResumedRunRestoresThenContinuesAfterTheCheckpointsEpoch() {
        Setup s = setup("{epochs: 3, batch_size: 2}");
        List<String> journal = new ArrayList<>();
        FakeStepSession session = new FakeStepSession(5, step -> 1.0);
        Checkpoint checkpoint = new Checkpoint(5, 1, 0, Map.of(), Map.of("a/seen", 4.0));
        Journal a = new Journal("a", 0, journal);
        var result = run(s, session, Optional.of(checkpoint), a);
        assertEquals(List.of("initialize", "restore 5"), session.events);
        assertEquals(Map.of("a/seen", 4.0), a.restored);
        assertEquals(List.of("a restore", "a begin 5", "a epoch 2 of 5"), journal.subList(0, 3));
        assertEquals("a step 6 e2 update 6.0", journal.get(3));
        assertEquals(List.of(5, 5), session.calls);
        assertEquals(15.0, result.summary().get("train/steps"));
    }

    @Test
    void stepInputsAreDrawnPerUpdateWhateverTheChunking() {
        FakeStepSession byThree = new FakeStepSession(3, step -> 1.0);
        FakeStepSession byFive = new FakeStepSession(5, step -> 1.0);
        run(setup("{epochs: 2, batch_size: 2, steps_per_call: 3}"), byThree, Optional.empty());
        run(setup("{epochs: 2, batch_size: 2, steps_per_call: 5}"), byFive, Optional.empty());
        List<Float> eps = byThree.fed.get("eps");
        assertEquals(10 * 2 * 2, eps.size(), "batch × latent noise values per update");
        assertEquals(eps, byFive.fed.get("eps"));
        assertEquals(java.util.Set.of("eps"), byThree.fed.keySet(), "the loop feeds what the objective (elbo) declares");
    }

    @Test
    void aThrowingListenerStopsTheRunAndEveryListenerIsClosed() {
        Setup s = setup("{epochs: 2, batch_size: 2}");
        List<String> journal = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        TrainingListener thrower = new TrainingListener() {
            @Override
            public int order() {
                return 50;
            }

            @Override
            public void onStep(TrainingRun run, StepResult step) {
                if (step.step() == 3) {
                    throw boom;
                }
            }
        };
        FakeStepSession session = new FakeStepSession(5, step -> 1.0);
        var thrown = assertThrows(IllegalStateException.class, () -> run(s, session, Optional.empty(),
                new Journal("a", 0, journal), thrower, new Journal("z", 900, journal)));
        assertSame(boom, thrown);
        assertTrue(journal.contains("a step 3 e1 update 3.0"));
        assertTrue(journal.stream().noneMatch(e -> e.startsWith("z step 3")), "listeners after the thrower are not called");
        assertEquals(List.of("a close", "z close"), journal.subList(journal.size() - 2, journal.size()));
    }

    @Test
    void aStopLeavesTheLoopBeforeTheNextEngineCallAndBeforeTheEpochsEnd() {
        Setup s = setup("{epochs: 2, batch_size: 2, steps_per_call: 2}");
        List<String> journal = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<StopRequest.Stop> asked = new java.util.concurrent.atomic.AtomicReference<>();
        TrainingListener signal = new TrainingListener() {
            @Override
            public void onStep(TrainingRun run, StepResult step) {
                if (step.step() == 3) {
                    asked.set(new StopRequest.Stop(143, "SIGTERM")); // as the signal's thread would, mid-call
                }
            }
        };
        FakeStepSession session = new FakeStepSession(2, step -> 1.0);
        TrainingRun run = TinyRuns.fakeRun(s.rx(), s.data(), session, new RecordingLogger(), dir, Optional.empty());
        var loop = new TrainingLoop(run, List.of(new Journal("a", 0, journal), signal),
                () -> Optional.ofNullable(asked.get()));
        RunStoppedException e = assertThrows(RunStoppedException.class, loop::run);
        assertEquals(143, e.exitCode());
        assertEquals("stopped by SIGTERM", e.getMessage());
        assertEquals(List.of(2, 2), session.calls, "the call holding step 3 ends; no call after it");
        assertTrue(journal.contains("a step 4 e1 update 4.0"), "the rest of that call's steps are reported");
        assertTrue(journal.stream().noneMatch(x -> x.startsWith("a end")), "no epoch end (evaluation, checkpoint)");
        assertEquals("a close", journal.get(journal.size() - 1));

        // asked between the last call of an epoch and its end: the end is skipped too
        asked.set(null);
        List<String> second = new ArrayList<>();
        TrainingListener atLastStep = new TrainingListener() {
            @Override
            public void onStep(TrainingRun run, StepResult step) {
                if (step.step() == 5) {
                    asked.set(new StopRequest.Stop(130, "SIGINT"));
                }
            }
        };
        FakeStepSession whole = new FakeStepSession(2, step -> 1.0);
        TrainingRun again = TinyRuns.fakeRun(s.rx(), s.data(), whole, new RecordingLogger(), dir, Optional.empty());
        assertEquals(130, assertThrows(RunStoppedException.class, () -> new TrainingLoop(again,
                List.of(new Journal("b", 0, second), atLastStep), () -> Optional.ofNullable(asked.get())).run()).exitCode());
        assertEquals(List.of(2, 2, 1), whole.calls);
        assertTrue(second.stream().noneMatch(x -> x.startsWith("b end")), second.toString());
    }

    @Test
    void theCheckpointCountersAreReadWhenTheEpochsStepsAreDone() {
        Setup s = setup("{epochs: 1, batch_size: 2}");
        List<String> journal = new ArrayList<>();
        Map<String, Double> seen = new LinkedHashMap<>();
        TrainingListener reader = new TrainingListener() {
            @Override
            public void onEpochEnd(TrainingRun run, EpochEnd epoch) {
                seen.putAll(epoch.listenerState());
                assertEquals(List.of("epoch", "train/epoch_seconds"), List.copyOf(epoch.metrics().keySet()));
                assertEquals(1.0, epoch.metrics().get("epoch"));
            }
        };
        run(s, new FakeStepSession(5, step -> 1.0), Optional.empty(), new Journal("a", 0, journal), reader);
        // begin, epoch, 5 steps were journaled when the state was read
        assertEquals(Map.of("a/seen", 7.0), seen);
    }
}
