package dev.vaelab.train;

import dev.vaelab.core.error.Failures;
import dev.vaelab.core.stop.StopRequest;
import dev.vaelab.data.BatchPlanner;
import dev.vaelab.data.EpochPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs the updates of one run: epochs of shuffled batches, in chunks of up to
 * {@code plan.stepsPerCall()} updates per engine call, with the objective's step inputs (noise, β,
 * ...) drawn per update so that the numbers do not depend on how an epoch is cut into calls. Everything else
 * (logging, validation, grids, checkpoints, the divergence check, the final metrics) is a
 * {@link TrainingListener}, called as its contract says.
 */
final class TrainingLoop {
    private final TrainingRun run;
    private final List<TrainingListener> listeners;
    private final StopRequest stop;

    TrainingLoop(TrainingRun run, Iterable<TrainingListener> listeners, StopRequest stop) {
        this.run = run;
        this.stop = stop;
        List<TrainingListener> sorted = new ArrayList<>();
        listeners.forEach(sorted::add);
        sorted.sort(Comparator.comparingInt(TrainingListener::order)); // stable: equal orders keep binding order
        this.listeners = List.copyOf(sorted);
    }

    /** The final metrics and the trained parameters. */
    record Result(Map<String, Double> summary, Map<String, float[]> parameters) {
    }

    /** Runs every epoch (after the checkpoint's, when resuming), then the end of training; closes the listeners. */
    Result run() {
        Result result;
        try {
            result = train();
        } catch (RuntimeException e) {
            try {
                closeListeners();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        closeListeners();
        return result;
    }

    private Result train() {
        RunPlan plan = run.plan();
        StepSession session = run.session();
        BatchPlanner planner = new BatchPlanner(run.data(), plan.batchSize(), run.streams());
        session.initialize(run.streams().stream("init"));
        int firstEpoch = 1;
        if (run.resumedFrom().isPresent()) {
            Checkpoint c = run.resumedFrom().get();
            session.restore(c.values(), c.updates());
            firstEpoch = c.epochsDone() + 1;
            listeners.forEach(l -> l.restore(c.counters()));
        }
        listeners.forEach(l -> l.onTrainingBegin(run));
        float[] lr = new float[plan.stepsPerCall()];
        Arrays.fill(lr, (float) run.experiment().optimizer().lr());
        long step = session.updates();
        for (int epoch = firstEpoch; epoch <= plan.lastEpoch(); epoch++) {
            EpochPlan batches = planner.epoch(epoch - 1);
            SplittableRandom noise = run.streams().stream("noise", epoch - 1);
            int epochSteps = plan.stepsIn(epoch);
            for (TrainingListener l : listeners) {
                l.onEpochBegin(run, epoch, epochSteps);
            }
            // the epoch's time covers everything its steps need: batches, step inputs, the engine calls and the listeners
            long epochStart = System.nanoTime();
            for (int first = 0; first < epochSteps; first += plan.stepsPerCall()) {
                stop.leaveIfAsked(); // out of ONNX Runtime before the process exits (see ProcessStop)
                int steps = Math.min(plan.stepsPerCall(), epochSteps - first);
                batches.fillImages(session.byteChunk("x"), first, steps);
                if (run.experiment().model().conditional()) {
                    batches.fillOneHot(session.chunk("y"), first, steps);
                }
                // the objective's inputs (noise, β, ...), drawn per update from the epoch's noise stream
                run.objective().fillStepInputs(session::chunk, step, steps, noise);
                long chunkStart = System.nanoTime();
                Map<String, float[]> metrics = session.run(steps, lr);
                double stepNanos = (System.nanoTime() - chunkStart) / (double) steps;
                for (int i = 0; i < steps; i++) {
                    step++;
                    StepResult result = new StepResult(step, epoch, metrics, i, stepNanos);
                    for (TrainingListener l : listeners) {
                        l.onStep(run, result);
                    }
                }
            }
            stop.leaveIfAsked(); // before the epoch's evaluations and checkpoint
            EpochEnd end = new EpochEnd(epoch, step, (System.nanoTime() - epochStart) / 1e9, listenerState());
            for (TrainingListener l : listeners) {
                l.onEpochEnd(run, end);
            }
        }
        Map<String, Double> results = new LinkedHashMap<>();
        for (TrainingListener l : listeners) {
            l.onTrainingEnd(run, results);
        }
        Map<String, Double> summary = new LinkedHashMap<>(results);
        summary.put("train/steps", (double) step);
        return new Result(summary, session.snapshot());
    }

    private Map<String, Double> listenerState() {
        Map<String, Double> state = new LinkedHashMap<>();
        listeners.forEach(l -> state.putAll(l.state()));
        return state;
    }

    /** Closes every listener, even when one fails to close; the first failure is rethrown. */
    private void closeListeners() {
        Failures.callEach(listeners, TrainingListener::close);
    }
}
