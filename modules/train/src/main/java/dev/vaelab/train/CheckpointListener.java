package dev.vaelab.train;

/**
 * After each epoch, once everything of it is logged: the checkpoint ({@code model/checkpoint}) to
 * resume from, then a flush of the logger, so that a run stopped later resumes after this epoch
 * with every metric up to it on disk.
 */
final class CheckpointListener implements TrainingListener {
    @Override
    public int order() {
        return CHECKPOINT;
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochEnd epoch) {
        StepSession session = run.session();
        new Checkpoint(session.updates(), epoch.epoch(), session.snapshot(), epoch.listenerState())
                .write(run.modelDirectory().resolve("checkpoint"));
        run.logger().flush();
    }
}
