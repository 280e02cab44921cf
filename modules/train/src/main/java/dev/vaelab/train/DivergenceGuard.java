package dev.vaelab.train;

import dev.vaelab.core.error.DivergenceException;

/**
 * Stops the run at the first update whose loss is not finite, before any listener but the metric
 * window sees it, so the metrics logged are those of the steps before it (flushed first).
 */
final class DivergenceGuard implements TrainingListener {
    @Override
    public int order() {
        return GUARD;
    }

    @Override
    public void onStep(TrainingRun run, StepResult step) {
        float loss = step.loss();
        if (!Float.isFinite(loss)) {
            run.logger().flush();
            long before = step.step() - 1;
            String kept = before == 0 ? "no metrics were logged before it"
                    : String.format("the metrics up to step %d are kept", before);
            throw new DivergenceException(step.step(), String.format(
                    "training diverged: the loss became %s at step %d (epoch %d); %s. Try a lower learning rate "
                            + "(train.optimizer.lr = %s) or a smaller β.", loss, step.step(), step.epoch(), kept,
                    run.experiment().optimizer().lr()));
        }
    }
}
