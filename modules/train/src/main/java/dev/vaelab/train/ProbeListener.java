package dev.vaelab.train;

import dev.vaelab.data.ImageSet;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * At the end, for labelled data: {@code probe/accuracy}, a linear probe on the latent means; and
 * for a conditional model, how recognisable its class grid is ({@link ClassGridProbe}).
 */
final class ProbeListener implements TrainingListener {
    /** After the disentanglement metrics (probe/accuracy follows them, as it did in the loop). */
    @Override
    public int order() {
        return EVALUATION + 10;
    }

    @Override
    public void onTrainingEnd(TrainingRun run, Map<String, Double> results) {
        var data = run.data();
        var parameters = run.session().parameters();
        if (run.experiment().model().conditional()) {
            try (GridRenderer grids = new GridRenderer(run.engine(), run.graphs(), data.shape(), data.numClasses(),
                    run.streams())) {
                int[] gridLabels = new int[data.numClasses() * GridRenderer.classColumns()];
                float[] gridImages = grids.classImages(parameters, gridLabels);
                double[] accuracy = ClassGridProbe.accuracy(data.train(), data.test(), gridImages, gridLabels);
                results.put("probe/class_grid_accuracy", accuracy[0]);
                results.put("probe/class_grid_classifier_accuracy", accuracy[1]);
            }
        }
        if (data.train().hasLabels()) {
            try (LatentEncoder encoder = new LatentEncoder(run.engine(), run.graphs())) {
                results.put("probe/accuracy", LatentProbe.accuracy(
                        encoder.means(data.train(), parameters), labels(data.train()),
                        encoder.means(data.test(), parameters), labels(data.test()),
                        run.experiment().model().latentDim()));
            }
        }
    }

    private static int[] labels(ImageSet images) {
        return IntStream.range(0, images.count()).map(images::label).toArray();
    }
}
