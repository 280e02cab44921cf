package dev.vaelab.export;

import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.tracking.ImageBatch;
import dev.vaelab.tracking.ImageGrid;
import dev.vaelab.tracking.Png;
import java.util.SplittableRandom;

/**
 * Sample grids as a run draws them ({@code grids/samples_eNNN.png}), so that a grid drawn from the
 * exported decoder alone is the run's own: the prior draws come from the experiment seed's
 * {@value #STREAM} stream, a conditional model's row r takes label r mod K, and the tiles are laid
 * out by {@link ImageGrid#standard} at {@value #SCALE}x.
 */
public final class SampleGrids {
    /** The random stream of the run's sample grids. */
    public static final String STREAM = "grid-samples";
    /** Upscaling of the run's grids. */
    public static final int SCALE = 2;
    /** Pixels between tiles and around the border in {@link ImageGrid#standard}. */
    private static final int PADDING = 2;

    private SampleGrids() {
    }

    /** Columns of the run's sample grid, whose row r takes label r mod K in a conditional model. */
    public static final int RUN_COLUMNS = 8;
    /**
     * The most pixels a PNG grid may have: the grid is built whole on the heap, so a larger
     * {@code --n} goes to a streamed {@code .npy} instead.
     */
    public static final long MAX_GRID_PIXELS = 4096L * 4096;

    /** {@code count} codes from N(0, I), the first 64 being those of the run's sample grid. */
    public static float[] priorDraws(long seed, int count, int latentDim) {
        float[] z = new float[Math.multiplyExact(count, latentDim)];
        RandomStreams.fillGaussian(priorStream(seed), z);
        return z;
    }

    /**
     * The stream of the run's prior draws, to be read a batch of codes at a time: successive
     * {@link RandomStreams#fillGaussian} calls continue the sequence that {@link #priorDraws} draws at once.
     */
    public static SplittableRandom priorStream(long seed) {
        return new RandomStreams(seed).stream(STREAM);
    }

    /** Pixels of the PNG grid of {@code count} tiles in {@code columns} columns, padding included. */
    public static long gridPixels(int count, int columns, ModelCard card) {
        long rows = (count + (long) columns - 1) / columns;
        long width = (long) columns * (card.width() * SCALE + PADDING) + PADDING;
        long height = rows * (card.height() * SCALE + PADDING) + PADDING;
        return width * height;
    }

    /** Columns of a grid of {@code count} tiles: ceil(sqrt(count)), so 64 tiles make the run's 8 x 8. */
    public static int columns(int count) {
        return (int) Math.ceil(Math.sqrt(count));
    }

    /** Row r's label is r mod K, as in the run's sample grid of a conditional model. */
    public static int[] rowLabels(int count, int columns, int classes) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (i / columns) % classes;
        }
        return labels;
    }

    /** The PNG of {@code count} images of the card's shape, row-major in {@code columns} columns. */
    public static byte[] png(float[] pixels, int count, ModelCard card, int columns) {
        int rows = (count + columns - 1) / columns;
        ImageBatch batch = new ImageBatch(pixels, count, card.channels(), card.height(), card.width());
        return Png.encode(ImageGrid.standard(SCALE).tiles(batch, rows, columns));
    }
}
