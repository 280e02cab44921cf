package dev.vaelab.data.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.DataException;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.DataModule;
import dev.vaelab.data.DataRoot;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.DatasetCache;
import dev.vaelab.data.DatasetRegistry;
import dev.vaelab.data.Downloader;
import dev.vaelab.data.ImageSet;
import dev.vaelab.data.LoadContext;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dataset: image-folder} end to end: folders of real image files through the registry into a dataset. */
class ImageFolderProviderTest {
    @TempDir
    Path dir;

    /** A uniform 12x8 image of red = 100 * label, green = 10 * index, blue 7. */
    private void image(String relative, int label, int index, String format) throws IOException {
        BufferedImage image = new BufferedImage(12, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 12; x++) {
                image.setRGB(x, y, (100 * label) << 16 | (10 * index) << 8 | 7);
            }
        }
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, format, file.toFile()));
    }

    private DatasetRegistry.ConfiguredData configure(String flow) {
        DatasetRegistry registry = Guice.createInjector(new DataModule()).getInstance(DatasetRegistry.class);
        return registry.resolve(ConfigLoader.parse("data: " + flow + "\n", "x.yaml").map("data"));
    }

    private LoadContext context() {
        return new LoadContext(new DataRoot(dir.resolve("data")), Downloader.standard(), DatasetCache.under(dir.resolve("results")),
                new RandomStreams(2));
    }

    private void classes(String under, int perClass) throws IOException {
        for (int i = 0; i < perClass; i++) {
            image(under + "cat/" + i + ".png", 0, i, "png");
            image(under + "dog/" + i + ".bmp", 1, i, "bmp");
        }
    }

    private static void assertLabelsMatchPixels(ImageSet set, int size) {
        for (int e = 0; e < set.count(); e++) {
            assertEquals(100 * set.label(e), set.pixel(e, 0), "red plane holds 100 * label");
            assertEquals(7, set.pixel(e, 2 * size * size), "blue plane");
        }
    }

    @Test
    void classFoldersLoadAsLabelledRgbWithASeededTestSplit() throws IOException {
        classes("images/", 10);
        DatasetRegistry.ConfiguredData data = configure("{dataset: image-folder, path: '" + dir.resolve("images")
                + "', image_size: 4, test_fraction: 0.2, validation: 2}");
        assertEquals("3x4x4", data.info().shape().toString());
        assertEquals(List.of("cat", "dog"), data.info().labelNames());
        Dataset dataset = data.load(context());
        assertEquals(14, dataset.train().count());
        assertEquals(2, dataset.validation().orElseThrow().count());
        assertEquals(4, dataset.test().count());
        for (ImageSet set : List.of(dataset.train(), dataset.validation().orElseThrow(), dataset.test())) {
            assertLabelsMatchPixels(set, 4);
        }
    }

    @Test
    void trainAndTestFoldersAreTheSplitAndGreyIsLuma() throws IOException {
        classes("split/train/", 3);
        classes("split/test/", 1);
        Dataset dataset = configure("{dataset: image-folder, path: '" + dir.resolve("split") + "', image_size: 2, channels: 1, validation: 0}")
                .load(context());
        assertEquals("1x2x2", dataset.shape().toString());
        assertEquals(6, dataset.train().count());
        assertEquals(2, dataset.test().count());
        for (int e = 0; e < dataset.train().count(); e++) {
            int label = dataset.train().label(e);
            int index = e % 3;
            assertEquals(Math.round(0.299f * 100 * label + 0.587f * 10 * index + 0.114f * 7), dataset.train().pixel(e, 0));
        }
        DataException e = assertThrows(DataException.class, () -> configure("{dataset: image-folder, path: '" + dir.resolve("split")
                + "', test_fraction: 0.3, validation: 0}").load(context()));
        assertEquals(dir.resolve("split") + ": has train/ and test/ folders, which are its split; remove data.test_fraction", e.getMessage());
    }

    @Test
    void aBadImageIsNamedUnlessSkipped() throws IOException {
        for (int i = 0; i < 5; i++) {
            image("flat/" + i + ".jpg", 0, i, "jpeg");
        }
        Path bad = Files.writeString(dir.resolve("flat/broken.png"), "this is text");
        String flow = "{dataset: image-folder, path: '" + dir.resolve("flat") + "', image_size: 3, test_fraction: 0.2, validation: 0";
        DataException e = assertThrows(DataException.class, () -> configure(flow + "}").load(context()));
        assertEquals(bad + ": not a PNG, JPEG, BMP or GIF image; fix or remove it, or set data.skip_bad: true to skip unreadable images",
                e.getMessage());
        Dataset dataset = configure(flow + ", skip_bad: true}").load(context());
        assertEquals(5, dataset.train().count() + dataset.test().count());
        assertEquals(List.of(), dataset.labelNames());
        assertEquals(Map.of("data/skipped", 1.0), dataset.loadMetrics(), "the run logs the count");
        Dataset cached = configure(flow + ", skip_bad: true, binarize: static}").load(context());
        assertEquals(Map.of("data/skipped", 1.0), cached.loadMetrics(), "counted again from the cache, and kept through binarization");
        Files.delete(bad);
        assertEquals(Map.of("data/skipped", 0.0), configure(flow + ", skip_bad: true}").load(context()).loadMetrics(),
                "0 once nothing is skipped, so that runs compare");
        assertEquals(Map.of(), configure(flow + "}").load(context()).loadMetrics(), "nothing to report without skip_bad");
    }

    @Test
    void theDecodedImagesAreCachedByTheFoldersContent() throws IOException {
        classes("c/", 2);
        String flow = "{dataset: image-folder, path: '" + dir.resolve("c") + "', image_size: 2, test_fraction: 0.25, validation: 0}";
        configure(flow).load(context());
        assertEquals(1, stores());
        configure(flow).load(context());
        assertEquals(1, stores(), "an unchanged folder reuses its cache");
        image("c/cat/9.png", 0, 9, "png");
        Dataset grown = configure(flow).load(context());
        assertEquals(2, stores(), "a changed folder is decoded again");
        assertEquals(5, grown.train().count() + grown.test().count());
    }

    private long stores() throws IOException {
        try (Stream<Path> walk = Files.walk(dir.resolve("results"))) {
            return walk.filter(p -> p.getFileName().toString().equals("images.u8store")).count();
        }
    }

    @Test
    void badOptionsPointAtTheirKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> configure("{dataset: image-folder, path: x, channels: 4}"));
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> configure("{dataset: image-folder, path: x, image_size: 4096}"));
        assertTrue(e.getMessage().contains("must be at most 1024; got 4096"), e.getMessage());
    }
}
