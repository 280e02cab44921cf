package dev.vaelab.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** The console's progress line: the epoch, the smoothed loss and throughput, then a few epoch metrics. */
final class ProgressListener implements TrainingListener {
    private static final String[] EPOCH_KEYS = {
        "train/epoch_seconds", "val/elbo", "val/recon_ll", "val/kl", "val/active_units"};

    /** After the evaluations, so that the epoch's line can show them. */
    @Override
    public int order() {
        return REPORT + 10;
    }

    @Override
    public void onEpochBegin(TrainingRun run, int epoch, int steps) {
        run.progress().startEpoch(epoch, steps);
    }

    @Override
    public void onStep(TrainingRun run, StepResult step) {
        run.progress().step(step.step(), run.plan().batchSize(), step.loss());
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochEnd epoch) {
        Map<String, Double> shown = new LinkedHashMap<>();
        for (String key : EPOCH_KEYS) {
            if (epoch.metrics().containsKey(key)) {
                shown.put(key, epoch.metrics().get(key));
            }
        }
        run.progress().endEpoch(shown);
    }
}
