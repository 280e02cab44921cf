package dev.vaelab.data.sprites;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.inject.Guice;
import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.DataModule;
import dev.vaelab.data.DataRoot;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.DatasetCache;
import dev.vaelab.data.DatasetRegistry;
import dev.vaelab.data.Downloader;
import dev.vaelab.data.ImageSet;
import dev.vaelab.data.ImageStore;
import dev.vaelab.data.LoadContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpritesTest {
    private static final int PIXELS = SpriteRenderer.SIZE * SpriteRenderer.SIZE;

    @TempDir
    Path dir;

    private static byte[] render(int shape, int scale, int orientation, int posX, int posY) {
        byte[] out = new byte[PIXELS];
        SpriteRenderer.render(new int[] {shape, scale, orientation, posX, posY}, out, 0);
        return out;
    }

    private static int area(byte[] image) {
        int n = 0;
        for (byte b : image) {
            assertTrue(b == 0 || b == (byte) 255, "binary pixels");
            n += b != 0 ? 1 : 0;
        }
        return n;
    }

    /** Centroid (column, row) of the lit pixels. */
    private static double[] centroid(byte[] image) {
        double x = 0;
        double y = 0;
        int n = 0;
        for (int i = 0; i < PIXELS; i++) {
            if (image[i] != 0) {
                x += i % SpriteRenderer.SIZE + 0.5;
                y += i / SpriteRenderer.SIZE + 0.5;
                n++;
            }
        }
        return new double[] {x / n, y / n};
    }

    @Test
    void theGridIsDspritesFactorGrid() {
        assertEquals(737_280, SpriteGrid.SIZE);
        assertEquals(java.util.List.of("shape", "scale", "orientation", "posX", "posY"),
                SpriteGrid.FACTORS.stream().map(dev.vaelab.data.Factor::name).toList());
        assertEquals(java.util.List.of(0.5, 0.6, 0.7, 0.8, 0.9, 1.0), SpriteGrid.FACTORS.get(1).values().stream()
                .map(v -> Math.round(v * 10) / 10.0).toList());
        assertEquals(2 * Math.PI * 39 / 40, SpriteGrid.FACTORS.get(2).values().get(39), 1e-12);
        assertEquals(1.0 / 31, SpriteGrid.FACTORS.get(3).values().get(1), 1e-12);
        int[] classes = new int[5];
        for (int index : new int[] {0, 1, 31, 32, 1023, 1024, 40_959, 245_759, 245_760, SpriteGrid.SIZE - 1}) {
            SpriteGrid.classes(index, classes);
            assertEquals(index, SpriteGrid.index(classes[0], classes[1], classes[2], classes[3], classes[4]));
        }
        SpriteGrid.classes(SpriteGrid.index(2, 5, 39, 31, 7), classes);
        assertArrayEquals(new int[] {2, 5, 39, 31, 7}, classes);
    }

    @Test
    void areasMatchTheShapesClosedForms() {
        // half-size 10 px at scale 1: a 20 px square (400), an ellipse of semi-axes 10 and 5 (157)
        assertEquals(400, area(render(0, 5, 0, 16, 16)), 400 * 0.03);
        assertEquals(Math.PI * 10 * 5, area(render(1, 5, 0, 16, 16)), Math.PI * 50 * 0.05);
        // scale 0.5: a quarter of the area
        assertEquals(100, area(render(0, 0, 0, 16, 16)), 100 * 0.05);
        // the area grows with scale for every shape, rotated or not
        for (int shape = 0; shape < 3; shape++) {
            int previous = 0;
            for (int scale = 0; scale < 6; scale++) {
                int a = area(render(shape, scale, 7, 10, 20));
                assertTrue(a > previous, "shape " + shape + " scale " + scale + ": " + a + " after " + previous);
                previous = a;
            }
        }
    }

    @Test
    void theCentroidFollowsThePosition() {
        for (int shape = 0; shape < 3; shape++) {
            double[] left = centroid(render(shape, 3, 0, 0, 16));
            double[] right = centroid(render(shape, 3, 0, 31, 16));
            assertEquals(34, right[0] - left[0], 1.0, "posX moves the sprite over 34 px");
            assertEquals(left[1], right[1], 1e-9, "and leaves the row alone");
            double[] top = centroid(render(shape, 3, 0, 16, 0));
            double[] bottom = centroid(render(shape, 3, 0, 16, 31));
            assertEquals(34, bottom[1] - top[1], 1.0, "posY moves it down the rows");
        }
        // a square and an ellipse are symmetric: their centroid is the centre, 15 + 34 * 16/31 + ... at posX 16
        double[] c = centroid(render(0, 5, 0, 0, 0));
        assertEquals(15, c[0], 0.5);
        assertEquals(15, c[1], 0.5);
    }

    @Test
    void shapesAndOrientationsDiffer() {
        byte[] square = render(0, 5, 0, 16, 16);
        byte[] ellipse = render(1, 5, 0, 16, 16);
        byte[] heart = render(2, 5, 0, 16, 16);
        assertFalse(java.util.Arrays.equals(square, ellipse));
        assertFalse(java.util.Arrays.equals(ellipse, heart));
        assertFalse(java.util.Arrays.equals(square, heart));
        // the ellipse lies along the rows at 0 and along the columns a quarter turn later
        assertTrue(width(ellipse) > 2 * height(ellipse) - 2);
        byte[] turned = render(1, 5, 10, 16, 16);
        assertTrue(height(turned) > 2 * width(turned) - 2);
        // the heart points down: more of it above its centre of rows than below
        double[] hc = centroid(heart);
        assertTrue(hc[1] < 15 + 34 * 16.0 / 31 + 0.5, "heart mass is above the sprite centre, got row " + hc[1]);
        assertNotEquals(area(render(2, 5, 0, 16, 16)), 0);
    }

    private static int width(byte[] image) {
        int min = SpriteRenderer.SIZE;
        int max = -1;
        for (int i = 0; i < PIXELS; i++) {
            if (image[i] != 0) {
                min = Math.min(min, i % SpriteRenderer.SIZE);
                max = Math.max(max, i % SpriteRenderer.SIZE);
            }
        }
        return max - min + 1;
    }

    private static int height(byte[] image) {
        int min = SpriteRenderer.SIZE;
        int max = -1;
        for (int i = 0; i < PIXELS; i++) {
            if (image[i] != 0) {
                min = Math.min(min, i / SpriteRenderer.SIZE);
                max = Math.max(max, i / SpriteRenderer.SIZE);
            }
        }
        return max - min + 1;
    }

    @Test
    void everySpriteStaysInsideTheImage() {
        for (int shape = 0; shape < 3; shape++) {
            for (int orientation = 0; orientation < 40; orientation++) {
                for (int[] corner : new int[][] {{0, 0}, {31, 31}, {0, 31}, {31, 0}}) {
                    byte[] image = render(shape, 5, orientation, corner[0], corner[1]);
                    int last = SpriteRenderer.SIZE - 1;
                    for (int k = 0; k < SpriteRenderer.SIZE; k++) {
                        // a clipped sprite would light the image's edge
                        assertEquals(0, image[k] | image[last * SpriteRenderer.SIZE + k] | image[k * SpriteRenderer.SIZE]
                                | image[k * SpriteRenderer.SIZE + last], "shape " + shape + " turn " + orientation + " touches the edge");
                    }
                }
            }
        }
    }

    private DatasetRegistry.ConfiguredData configure(String flow) {
        DatasetRegistry registry = Guice.createInjector(new DataModule()).getInstance(DatasetRegistry.class);
        return registry.resolve(ConfigLoader.parse("data: " + flow + "\n", "x.yaml").map("data"));
    }

    private LoadContext context(long seed) {
        return new LoadContext(new DataRoot(dir.resolve("data")), Downloader.standard(), DatasetCache.under(dir.resolve("results")),
                new RandomStreams(seed));
    }

    @Test
    void aSeededSampleLoadsRendersOnceAndCarriesItsFactors() throws Exception {
        DatasetRegistry.ConfiguredData sprites = configure("{dataset: sprites, size: 2000, test_fraction: 0.2, validation: 100}");
        Dataset data = sprites.load(context(7));
        assertEquals(1600 - 100, data.train().count());
        assertEquals(100, data.validation().orElseThrow().count());
        assertEquals(400, data.test().count());
        assertFalse(data.train().inMemory(), "mapped from the cache");
        Path store = dir.resolve("results/.cache/datasets/sprites-v1-n2000-seed7/" + ImageStore.FILE_NAME);
        assertTrue(Files.exists(store));
        for (ImageSet split : new ImageSet[] {data.train(), data.test()}) {
            byte[] expected = new byte[PIXELS];
            for (int i = 0; i < split.count(); i += 97) {
                int[] classes = split.factorClasses()[i];
                SpriteRenderer.render(classes, expected, 0);
                for (int p = 0; p < PIXELS; p += 13) {
                    assertEquals(expected[p] & 0xff, split.pixel(i, p), "image " + i + " shows its factors");
                }
            }
        }
        FileTime written = Files.getLastModifiedTime(store);
        Dataset again = configure("{dataset: sprites, size: 2000, test_fraction: 0.2, validation: 100}").load(context(7));
        assertEquals(written, Files.getLastModifiedTime(store), "the second run reuses the store");
        assertArrayEquals(data.test().factorClasses(), again.test().factorClasses(), "the same seed gives the same split");
        assertEquals(data.test().pixels(), again.test().pixels());
        Dataset other = configure("{dataset: sprites, size: 2000, validation: 0}").load(context(8));
        assertFalse(java.util.Arrays.deepEquals(data.test().factorClasses(), other.test().factorClasses()));
        assertEquals(200, other.test().count(), "test_fraction defaults to 0.1");
        assertEquals(1800, other.train().count());
    }

    @Test
    void badOptionsAreConfigErrors() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> configure("{dataset: sprites, size: 800000}"));
        assertEquals("x.yaml:1:32: 'size' in 'data' must be at most 737280, the number of factor combinations; got 800000", e.getMessage());
    }

    /** A benchmark, not a test: {@code -Dvaelab.bench=true} renders and stores the full grid and prints the time. */
    @Test
    void renderTheFullGrid() {
        assumeTrue(Boolean.getBoolean("vaelab.bench"), "benchmark; run with -Dvaelab.bench=true");
        long start = System.nanoTime();
        Dataset data = configure("{dataset: sprites}").load(context(0));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("rendered and stored %d sprites in %.1f s%n", data.train().count() + data.validation().map(ImageSet::count).orElse(0)
                + data.test().count(), seconds);
    }
}
