package dev.vaelab.data.numpy;

import static dev.vaelab.data.numpy.NpyBytes.doubles;
import static dev.vaelab.data.numpy.NpyBytes.longs;
import static dev.vaelab.data.numpy.NpyBytes.npy;
import static dev.vaelab.data.numpy.NpyBytes.npz;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dataset: numpy} end to end: a generated {@code .npz} through the registry into a dataset. */
class NumpyProviderTest {
    private static final int N = 50;
    private static final double[] FIRST = {0.9, 0.1, 0.5};

    @TempDir
    Path dir;

    /** Images [N, 8, 8, 3] whose pixel (y, x, c) of image i is (i + 7c + y) % 256, labels i % 5, factors (FIRST[i % 3], 1 + i % 2). */
    private Path writeNpz() throws IOException {
        byte[] images = new byte[N * 8 * 8 * 3];
        long[] labels = new long[N];
        double[] factors = new double[N * 2];
        for (int i = 0; i < N; i++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    for (int c = 0; c < 3; c++) {
                        images[((i * 8 + y) * 8 + x) * 3 + c] = (byte) ((i + 7 * c + y) % 256);
                    }
                }
            }
            labels[i] = i % 5;
            factors[2 * i] = FIRST[i % 3];
            factors[2 * i + 1] = 1 + i % 2;
        }
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("x", npy("|u1", new long[] {N, 8, 8, 3}, images));
        members.put("y", npy("<i8", new long[] {N}, longs(labels)));
        members.put("z", npy("<f8", new long[] {N, 2}, doubles(factors)));
        return Files.write(dir.resolve("mine.npz"), npz(members, true));
    }

    private DatasetRegistry.ConfiguredData configure(String flow) {
        DatasetRegistry registry = Guice.createInjector(new DataModule()).getInstance(DatasetRegistry.class);
        return registry.resolve(ConfigLoader.parse("data: " + flow + "\n", "x.yaml").map("data"));
    }

    private LoadContext context() {
        return new LoadContext(new DataRoot(dir.resolve("data")), Downloader.standard(), DatasetCache.under(dir.resolve("results")),
                new RandomStreams(3));
    }

    @Test
    void anNpzLoadsWithItsLayoutLabelsFactorsAndSplits() throws IOException {
        Path file = writeNpz();
        DatasetRegistry.ConfiguredData data = configure("{dataset: numpy, path: '" + file + "', images: x, labels: y, factors: z, "
                + "factor_names: [tint, parity], test_fraction: 0.2, validation: 5}");
        assertEquals("3x8x8", data.info().shape().toString());
        assertEquals(List.of("0", "1", "2", "3", "4"), data.info().labelNames());
        assertEquals(List.of(0.1, 0.5, 0.9), data.info().factors().get(0).values());
        assertEquals("parity", data.info().factors().get(1).name());
        assertEquals(List.of(1.0, 2.0), data.info().factors().get(1).values());
        Dataset dataset = data.load(context());
        assertEquals(35, dataset.train().count());
        assertEquals(5, dataset.validation().orElseThrow().count());
        assertEquals(10, dataset.test().count());
        List<Integer> seen = new ArrayList<>();
        for (ImageSet split : List.of(dataset.train(), dataset.validation().orElseThrow(), dataset.test())) {
            for (int e = 0; e < split.count(); e++) {
                int i = split.pixel(e, 0);
                seen.add(i);
                assertEquals(i % 5, split.label(e));
                // classes in ascending value order: 0.1 -> 0, 0.5 -> 1, 0.9 -> 2
                assertEquals(List.of(0.1, 0.5, 0.9).indexOf(FIRST[i % 3]), split.factorClass(e, 0));
                assertEquals(i % 2, split.factorClass(e, 1));
                // channel 2, row 3, column 5 of a channels-first image
                assertEquals((i + 14 + 3) % 256, split.pixel(e, (2 * 8 + 3) * 8 + 5));
            }
        }
        assertEquals(N, seen.stream().distinct().count());
    }

    @Test
    void theConversionIsCachedAndReused() throws IOException {
        Path file = writeNpz();
        String flow = "{dataset: numpy, path: '" + file + "', images: x, validation: 0}";
        configure(flow).load(context());
        Path cache = dir.resolve("results/.cache/datasets");
        List<Path> stores;
        try (Stream<Path> walk = Files.walk(cache)) {
            stores = walk.filter(p -> p.getFileName().toString().equals("images.u8store")).toList();
        }
        assertEquals(1, stores.size());
        long written = Files.getLastModifiedTime(stores.get(0)).toMillis();
        Files.setLastModifiedTime(stores.get(0), java.nio.file.attribute.FileTime.fromMillis(written - 10_000));
        Dataset again = configure(flow).load(context());
        assertEquals(written - 10_000, Files.getLastModifiedTime(stores.get(0)).toMillis());
        assertEquals(N, again.train().count() + again.test().count());
        assertTrue(!again.info().hasLabels());
    }

    @Test
    void aSingleNpyHoldsTheImages() throws IOException {
        Path file = Files.write(dir.resolve("grey.npy"), npy("<f4", new long[] {20, 4, 4}, NpyBytes.floats(new float[320])));
        Dataset data = configure("{dataset: numpy, path: '" + file + "', test_fraction: 0.5, validation: 0}").load(context());
        assertEquals("1x4x4", data.shape().toString());
        assertEquals(10, data.test().count());
    }

    @Test
    void withoutValidationTenPercentOfTheTrainingSplitIsHeldOut() throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("imgs", npy("|u1", new long[] {600, 4, 4}, new byte[600 * 16]));
        Path file = Files.write(dir.resolve("six-hundred.npz"), npz(members, true));
        Dataset data = configure("{dataset: numpy, path: '" + file + "', images: imgs}").load(context());
        assertEquals(60, data.test().count(), "test_fraction 0.1 of 600");
        assertEquals(54, data.validation().orElseThrow().count(), "10% of the 540 left, where 5000 used to fail");
        assertEquals(486, data.train().count());
    }

    @Test
    void aBadKeyIsOneLineListingTheKeys() throws IOException {
        Path file = writeNpz();
        DataException e = assertThrows(DataException.class,
                () -> configure("{dataset: numpy, path: '" + file + "', images: x, labels: labels}").info());
        assertEquals(file + ": no array 'labels'; it holds x, y, z", e.getMessage());
        e = assertThrows(DataException.class, () -> configure("{dataset: numpy, path: '" + file + "', images: x, labels: z}").info());
        assertEquals(file + "[z]: shape (50, 2) does not fit " + file + "[x]'s 50 images: expected [50]", e.getMessage());
        e = assertThrows(DataException.class, () -> configure("{dataset: numpy, path: '" + file + "', images: y}").info());
        assertEquals(file + "[y]: images must be uint8 (0 to 255), bool, or float32/float64 (0 to 1); found dtype <i8", e.getMessage());
    }

    @Test
    void configErrorsPointAtTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> configure("{dataset: numpy, path: data.csv}"));
        assertTrue(e.getMessage().contains("must name a NumPy .npz or .npy file; got 'data.csv'"), e.getMessage());
        assertTrue(e.getMessage().contains("x.yaml:1"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> configure("{dataset: numpy, path: a.npy, labels: y}"));
        assertTrue(e.getMessage().contains("names an array of an .npz file, but path is a .npy file, which holds the images alone"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> configure("{dataset: numpy, path: a.npz, layout: HWC}"));
        assertTrue(e.getMessage().contains("must be one of NHW, NHWC, NCHW; got 'HWC'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> configure("{dataset: numpy, path: a.npz, labls: y}"));
        assertTrue(e.getMessage().contains("labls"), e.getMessage());
    }

    @Test
    void floatImagesOutsideTheUnitIntervalAreRejectedBeforeAnythingIsCached() throws IOException {
        Path file = Files.write(dir.resolve("f.npy"), npy("<f8", new long[] {2, 1, 2}, doubles(0, 0.5, 2, 1)));
        DataException e = assertThrows(DataException.class, () -> configure("{dataset: numpy, path: '" + file + "', validation: 0}").load(context()));
        assertEquals(file + ": value 2.0 at [1, 0, 0] is outside [0, 1]; float images must lie in [0, 1] (or be uint8 in [0, 255])",
                e.getMessage());
    }
}
