package dev.vaelab.train;

import dev.vaelab.data.ImageSet;
import java.util.Map;

/**
 * At the end, for a dataset with ground-truth factors and {@code eval.disentanglement.samples} above
 * 0: the disentanglement metrics of the latent means on a seeded sample of the test set
 * ({@link DisentanglementProbe}), and, when grids are drawn, {@code traversals_mig}: the traversals
 * once more, one row per latent in the order of its MIG contribution.
 */
final class DisentanglementListener implements TrainingListener {
    @Override
    public int order() {
        return EVALUATION + 5;
    }

    @Override
    public void onTrainingEnd(TrainingRun run, Map<String, Double> results) {
        var data = run.data();
        int samples = run.experiment().eval().disentanglementSamples();
        if (!data.test().hasFactors() || samples <= 0) {
            return;
        }
        var parameters = run.session().parameters();
        int[] ranking;
        try (LatentEncoder encoder = new LatentEncoder(run.engine(), run.graphs())) {
            var outcome = new DisentanglementProbe(encoder, run.experiment().spec().seed())
                    .evaluate(data.test(), samples, parameters);
            results.putAll(outcome.scores());
            ranking = outcome.latentRanking();
        }
        if (run.experiment().log().gridsEveryEpochs() > 0) {
            ImageSet images = data.validation().orElse(data.test());
            try (GridRenderer grids = new GridRenderer(run.engine(), run.graphs(), data.shape(), data.numClasses(),
                    run.streams())) {
                run.logger().logImage("traversals_mig", run.plan().lastEpoch(), run.session().updates(),
                        grids.traversals(parameters, images, ranking));
            }
        }
    }
}
