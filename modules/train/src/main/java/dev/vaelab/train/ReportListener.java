package dev.vaelab.train;

import java.util.Map;

/**
 * Logs each epoch's report at the epoch's last step, and the end-of-training results at the last
 * step, once the evaluations before it have filled them.
 */
final class ReportListener implements TrainingListener {
    @Override
    public int order() {
        return REPORT;
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochEnd epoch) {
        run.logger().logMetrics(epoch.metrics(), epoch.step());
    }

    @Override
    public void onTrainingEnd(TrainingRun run, Map<String, Double> results) {
        run.logger().logMetrics(results, run.session().updates());
    }
}
