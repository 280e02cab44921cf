package dev.vaelab.train;

import dev.vaelab.data.ImageSet;

/**
 * After each epoch, the validation split's ELBO terms, KL per dimension and active units
 * ({@code val/...}) into the epoch's report; nothing when the data has no validation split.
 */
final class ValidationListener implements TrainingListener {
    private Evaluator evaluator;

    @Override
    public int order() {
        return EVALUATION;
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochEnd epoch) {
        if (run.data().validation().isEmpty()) {
            return;
        }
        ImageSet validation = run.data().validation().get();
        if (evaluator == null) {
            evaluator = new Evaluator(run.engine(), run.graphs(), run.data().shape().size(), run.data().numClasses(),
                    run.streams());
        }
        var scores = evaluator.evaluate(validation, run.experiment().eval().batchSize(),
                run.session().parameters(), "eval-noise");
        epoch.metrics().putAll(scores.metrics("val", true));
        epoch.setKlPerDim(scores.klPerDim());
    }

    @Override
    public void close() {
        if (evaluator != null) {
            evaluator.close();
        }
    }
}
