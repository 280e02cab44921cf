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

    @Override
    public void onEpochEnd(TrainingRun run, EpochEnd epoch) {
        int every = run.experiment().log().gridsEveryEpochs();
        if (every <= 0 || (epoch.epoch() % every != 0 && epoch.epoch() != run.plan().lastEpoch())) {
            return;
        }
        if (grids == null) {
            grids = new GridRenderer(run.engine(), run.graphs(), run.data().shape(), run.data().numClasses(),
                    run.streams());
        }
        ImageSet images = run.data().validation().orElse(run.data().test());
        Map<String, byte[]> drawn = grids.render(run.session().parameters(), images, epoch.klPerDim().orElse(null));
        for (var grid : drawn.entrySet()) {
            run.logger().logImage(grid.getKey(), epoch.epoch(), epoch.step(), grid.getValue());
        }
    }

    @Override
    public void close() {
        if (grids != null) {
            grids.close();
        }
    }
}
