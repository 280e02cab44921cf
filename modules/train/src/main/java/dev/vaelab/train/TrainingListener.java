package dev.vaelab.train;

import java.util.Map;

/**
 * Something that happens around the training steps: metric windows, validation, grids,
 * checkpoints, the final test metrics. The loop itself only runs steps and epochs and tells its
 * listeners; a plugin adds one with {@code Multibinder.newSetBinder(binder(), TrainingListener.class)
 * .addBinding().to(MyListener.class)}. Listeners are unscoped: every run gets fresh instances, so
 * a listener may keep the run's state in fields.
 *
 * <p>The contract, in the order the loop keeps:
 * <ol>
 *   <li>{@link #restore} with the checkpoint's counters, only when the run resumes from one;</li>
 *   <li>{@link #onTrainingBegin}, once, after the parameters are initialised or restored;</li>
 *   <li>for each epoch still to run: {@link #onEpochBegin}, then {@link #onStep} after every
 *       update (the step number counts updates from 1), then {@link #onEpochEnd};</li>
 *   <li>{@link #onTrainingEnd}, once, after the last epoch;</li>
 *   <li>{@link #close}, always, also when a listener or a step threw.</li>
 * </ol>
 * At each event the listeners are called in ascending {@link #order()}; an exception stops the run
 * there (the later listeners are not called). A resumed run calls no event for the epochs its
 * checkpoint holds, so what a listener logs must be a function of its events and its restored
 * state for a resumed run to log what an uninterrupted one does.
 */
public interface TrainingListener extends AutoCloseable {
    /** The metric window, which closes its open window when a step's loss is not finite. */
    int METRICS = 100;
    /** Checks that must stop a run before any other listener sees the step (divergence). */
    int GUARD = 150;
    /** Evaluations that add metrics to the epoch's or the run's report. */
    int EVALUATION = 200;
    /** Logging the report the evaluations filled. */
    int REPORT = 300;
    /** Files drawn from the trained parameters: grids. */
    int ARTIFACTS = 400;
    /** Where a plugin runs unless it says otherwise: after the built-in reports and artifacts. */
    int PLUGIN = 500;
    /** Last: a checkpoint is written once everything of its epoch is logged. */
    int CHECKPOINT = 900;

    /** The position among the listeners; equal orders keep the binding order. */
    default int order() {
        return PLUGIN;
    }

    /** Takes back the counters this listener put into a checkpoint ({@link #state}); called before {@link #onTrainingBegin}. */
    default void restore(Map<String, Double> counters) {
    }

    default void onTrainingBegin(TrainingRun run) {
    }

    /** Epoch {@code epoch} (from 1) is about to run {@code steps} updates. */
    default void onEpochBegin(TrainingRun run, int epoch, int steps) {
    }

    /** One update is done; {@code step.loss()} may be non-finite before {@link #GUARD}, never after it. */
    default void onStep(TrainingRun run, StepResult step) {
    }

    /** The epoch's updates are done; add metrics to {@code epoch.metrics()} before {@link #REPORT} logs them. */
    default void onEpochEnd(TrainingRun run, EpochEnd epoch) {
    }

    /** Training is done; add final metrics to {@code results} before {@link #REPORT} logs them. */
    default void onTrainingEnd(TrainingRun run, Map<String, Double> results) {
    }

    /**
     * Counters to keep in the checkpoint, under keys this listener owns (a prefix of its own), read
     * when an epoch's steps are done, before its {@link #onEpochEnd}.
     */
    default Map<String, Double> state() {
        return Map.of();
    }

    /** Releases what the listener opened; the default holds nothing. */
    @Override
    default void close() {
    }
}
