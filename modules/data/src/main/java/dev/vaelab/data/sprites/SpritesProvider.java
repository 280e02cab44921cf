package dev.vaelab.data.sprites;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.DataSpec;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.data.DatasetProvider;
import dev.vaelab.data.DatasetSource;
import dev.vaelab.data.ImageShape;
import dev.vaelab.data.ImageStore;
import dev.vaelab.data.Splits;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * {@code dataset: sprites}: the dSprites factor grid drawn by {@link SpriteRenderer}, so that machines
 * without the download, tests and CI have a disentanglement benchmark with known factors. Keys:
 * {@code size} (images to use, default all 737,280; fewer are a seeded sample of the grid, drawn from
 * the run's stream {@code "sprites-subset"}) and {@code test_fraction}. The images are rendered once
 * into the dataset cache and mapped from there.
 */
public final class SpritesProvider implements DatasetProvider {
    public static final String NAME = "sprites";
    /** Part of the cache key: change it whenever the renderer draws differently. */
    static final int RENDER_VERSION = 1;
    private static final int BLOCK = 4096;

    public static final DatasetInfo INFO = new DatasetInfo(NAME, new ImageShape(1, SpriteRenderer.SIZE, SpriteRenderer.SIZE), List.of(),
            SpriteGrid.FACTORS, true);

    @Override
    public DatasetSource configure(ConfigMap data, DataSpec common) {
        int size = data.positiveInt("size", SpriteGrid.SIZE);
        if (size > SpriteGrid.SIZE) {
            throw data.invalid("size", "must be at most " + SpriteGrid.SIZE + ", the number of factor combinations; got " + size);
        }
        double testFraction = DataSpec.testFraction(data);
        return DatasetSource.of(INFO, context -> {
            int[] grid = gridIndices(size, context.streams().stream("sprites-subset"));
            String key = "v" + RENDER_VERSION + (size == SpriteGrid.SIZE ? "-all" : "-n" + size + "-seed" + context.streams().seed());
            ImageStore store = context.cache().store(NAME, key,
                    new ImageStore.Layout(INFO.shape(), grid.length, false, SpriteGrid.FACTORS.size()), writer -> write(grid, writer));
            return Splits.heldOut(INFO, store.images(List.of(), SpriteGrid.FACTORS), testFraction, common.validation(), context.streams());
        });
    }

    /** The whole grid in order, or a sorted sample of {@code size} indices from a partial shuffle. */
    static int[] gridIndices(int size, SplittableRandom random) {
        if (size == SpriteGrid.SIZE) {
            return IntStream.range(0, SpriteGrid.SIZE).toArray();
        }
        int[] picked = RandomStreams.sample(SpriteGrid.SIZE, size, random);
        Arrays.sort(picked);
        return picked;
    }

    /** Renders blocks of images in parallel and writes them in order: one block (16 MB) on the heap at a time. */
    static void write(int[] grid, ImageStore.Writer writer) {
        int imageSize = SpriteRenderer.SIZE * SpriteRenderer.SIZE;
        for (int from = 0; from < grid.length; from += BLOCK) {
            int n = Math.min(BLOCK, grid.length - from);
            byte[] pixels = new byte[n * imageSize];
            int[][] classes = new int[n][SpriteGrid.FACTORS.size()];
            int first = from;
            IntStream.range(0, n).parallel().forEach(i -> {
                SpriteGrid.classes(grid[first + i], classes[i]);
                SpriteRenderer.render(classes[i], pixels, i * imageSize);
            });
            for (int i = 0; i < n; i++) {
                writer.add(pixels, i * imageSize, 0, classes[i]);
            }
        }
    }
}
