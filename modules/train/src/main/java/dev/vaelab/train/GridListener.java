package dev.vaelab.train;

import dev.vaelab.data.ImageSet;
import java.util.Map;

/**
 * Every {@code log.grids_every_epochs} epochs, and after the last, the image grids of the current
 * parameters (samples, reconstructions and traversals of validation images, or of test images
 * when there is no validation split; traversals ordered by the epoch's validation KL).
 */
final class GridListener implements TrainingListener {
    private GridRenderer grids;

    @Override
    public int order() {
        return ARTIFACTS;
    }

    /** The untrained model's grids at step 0 (not when resuming), so an image slider (MLflow's opens at 0) shows a picture. */
    @Override
    public void onTrainingBegin(TrainingRun run) {
        if (run.experiment().log().gridsEveryEpochs() <= 0 || run.resumedFrom().isPresent()) {
            return;
        }
        Map<String, byte[]> drawn = renderer(run).render(run.session().parameters(), images(run), (double[]) null);
        for (var grid : drawn.entrySet()) {
            run.logger().logImage(grid.getKey(), 0, run.session().updates(), grid.getValue());
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochEnd epoch) {
        int every = run.experiment().log().gridsEveryEpochs();
        if (every <= 0 || (epoch.epoch() % every != 0 && epoch.epoch() != run.plan().lastEpoch())) {
            return;
        }
        Map<String, byte[]> drawn = renderer(run).render(run.session().parameters(), images(run),
                epoch.klPerDim().orElse(null));
        for (var grid : drawn.entrySet()) {
            run.logger().logImage(grid.getKey(), epoch.epoch(), epoch.step(), grid.getValue());
        }
    }

    private GridRenderer renderer(TrainingRun run) {
        if (grids == null) {
            grids = new GridRenderer(run.engine(), run.graphs(), run.data().shape(), run.data().numClasses(),
                    run.streams());
        }
        return grids;
    }

    /** Validation images, or test images when there is no validation split. */
    private static ImageSet images(TrainingRun run) {
        return run.data().validation().orElse(run.data().test());
    }

    @Override
    public void close() {
        if (grids != null) {
            grids.close();
        }
    }
}
