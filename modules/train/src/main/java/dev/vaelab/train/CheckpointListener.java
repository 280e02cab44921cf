package dev.vaelab.train;

import dev.vaelab.core.stop.StopRequest;
import jakarta.inject.Inject;

/**
 * After each epoch, once everything of it is logged: a flush of the logger, then the checkpoint
 * ({@code model/checkpoint}) to resume from, with the number of metric rows logged before it, so
 * that a run stopped later resumes after this epoch with exactly those rows kept. A run asked to
 * stop writes no checkpoint: its epoch's report may not have been logged (the stop ends logging).
 */
final class CheckpointListener implements TrainingListener {
    private final StopRequest stop;

    @Inject
    CheckpointListener(StopRequest stop) {
        this.stop = stop;
    }

    @Override
    public int order() {
        return CHECKPOINT;
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochEnd epoch) {
        run.logger().flush();
        stop.leaveIfAsked("epoch " + epoch.epoch() + "'s checkpoint was not written");
        StepSession session = run.session();
        new Checkpoint(session.updates(), epoch.epoch(), run.logger().metricRows(), session.snapshot(),
                epoch.listenerState()).write(run.modelDirectory().resolve("checkpoint"));
    }
}
