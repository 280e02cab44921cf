package dev.vaelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vaelab.core.console.ProgressBar;
import dev.vaelab.core.error.DataException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the real datasets from the directory named by the system property {@code vaelab.test.data}
 * (the parent pom points it at ../shared/data); skipped where that directory does not exist.
 */
class RealDataTest {
    /** Any download attempt goes to a closed local port, so these tests never reach the internet. */
    private static final List<URI> NOWHERE = List.of(URI.create("http://127.0.0.1:9/"));

    private Path root;
    private Catalog catalog;
    private DatasetLoader loader;

    /** Checked before each test rather than once, so that each test is reported as skipped with the reason. */
    @BeforeEach
    void findData() {
        String property = System.getProperty("vaelab.test.data");
        assumeTrue(property != null && Files.isDirectory(Path.of(property)),
                "the real datasets are not here: set VAELAB_DATA (or -Dvaelab.test.data) to a directory with mnist/, fashion-mnist/ and binarized-mnist/ (got "
                        + property + ")");
        root = Path.of(property);
        catalog = new Catalog(Map.of(Catalog.MNIST, NOWHERE, Catalog.FASHION_MNIST, NOWHERE, Catalog.BINARIZED_MNIST, NOWHERE));
        loader = new DatasetLoader(new DataRoot(root), quietDownloader());
    }

    private static Downloader quietDownloader() {
        return new Downloader(Downloader.newClient(Duration.ofSeconds(1)), Duration.ofSeconds(1),
                (label, total) -> new ProgressBar(new PrintStream(OutputStream.nullOutputStream()), label, total, false));
    }

    private void assumePresent(String dataset) {
        assumeTrue(Files.isDirectory(root.resolve(dataset)), dataset + "/ is not in " + root);
    }

    private static int[] histogram(ImageSet set) {
        int[] counts = new int[set.numClasses()];
        for (int i = 0; i < set.count(); i++) {
            counts[set.label(i)]++;
        }
        return counts;
    }

    private static double meanPixel(ImageSet set) {
        ByteBuffer pixels = set.pixels();
        long sum = 0;
        while (pixels.hasRemaining()) {
            sum += pixels.get() & 0xff;
        }
        return sum / 255.0 / set.count() / set.imageSize();
    }

    @Test
    void mnistLoadsWithItsKnownClassCountsAndMean() {
        assumePresent("mnist");
        long start = System.nanoTime();
        Dataset mnist = loader.load(catalog.get(Catalog.MNIST), 0);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("mnist: loaded and verified 70000 images in %.2f s%n", seconds);
        assertTrue(seconds < 10, "loading MNIST took " + seconds + " s; it should take well under 2 s");
        assertEquals(60000, mnist.train().count());
        assertEquals(10000, mnist.test().count());
        assertEquals(new ImageShape(1, 28, 28), mnist.train().shape());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, histogram(mnist.train()));
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, histogram(mnist.test()));
        // The normalization constant everyone uses for MNIST: mean 0.1307.
        assertEquals(0.1307, meanPixel(mnist.train()), 5e-4);
        assertEquals(5, mnist.train().label(0), "the first training digit is a 5");
    }

    @Test
    void mnistValidationIsTheLastTrainingImages() {
        assumePresent("mnist");
        DatasetSpec spec = catalog.get(Catalog.MNIST);
        Dataset whole = loader.load(spec, 0);
        Dataset split = loader.load(spec, 10000);
        assertEquals(50000, split.train().count());
        ImageSet validation = split.validation().orElseThrow();
        assertEquals(10000, validation.count());
        assertEquals(whole.train().slice(50000, 60000).pixels(), validation.pixels());
        assertEquals(whole.train().slice(50000, 60000).labels().orElseThrow(), validation.labels().orElseThrow());
    }

    @Test
    void fashionMnistHasBalancedClasses() {
        assumePresent("fashion-mnist");
        Dataset fashion = loader.load(catalog.get(Catalog.FASHION_MNIST), 0);
        assertEquals(60000, fashion.train().count());
        assertEquals(10000, fashion.test().count());
        int[] train = histogram(fashion.train());
        int[] test = histogram(fashion.test());
        for (int k = 0; k < 10; k++) {
            assertEquals(6000, train[k], fashion.labelNames().get(k));
            assertEquals(1000, test[k], fashion.labelNames().get(k));
        }
        assertEquals("Ankle boot", fashion.train().labelNames().get(fashion.train().label(0)), "the first training image is an ankle boot");
    }

    @Test
    void binarizedMnistHasTheLarochelleMurraySplit() {
        assumePresent("binarized-mnist");
        Dataset binarized = loader.load(catalog.get(Catalog.BINARIZED_MNIST), 10000);
        assertEquals(50000, binarized.train().count());
        assertEquals(10000, binarized.validation().orElseThrow().count());
        assertEquals(10000, binarized.test().count());
        ByteBuffer pixels = binarized.train().pixels();
        while (pixels.hasRemaining()) {
            byte b = pixels.get();
            assertTrue(b == 0 || b == (byte) 255);
        }
        double mean = meanPixel(binarized.test());
        assertTrue(mean > 0.1 && mean < 0.16, "about MNIST's ink fraction, got " + mean);
    }

    @Test
    void aCorruptedCopyOfARealFileIsRejectedWithThePublishedChecksum(@TempDir Path copy) throws Exception {
        assumePresent("mnist");
        Path mnist = Files.createDirectories(copy.resolve("mnist"));
        for (String name : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")) {
            Files.createSymbolicLink(mnist.resolve(name), root.resolve("mnist").resolve(name));
        }
        byte[] labels = Files.readAllBytes(root.resolve("mnist/t10k-labels-idx1-ubyte.gz"));
        labels[labels.length / 2] ^= 0x10;
        Files.write(mnist.resolve("t10k-labels-idx1-ubyte.gz"), labels);
        DatasetLoader copyLoader = new DatasetLoader(new DataRoot(copy), quietDownloader());
        DataException e = assertThrows(DataException.class, () -> copyLoader.load(catalog.get(Catalog.MNIST), 0));
        assertTrue(e.getMessage().startsWith(mnist.resolve("t10k-labels-idx1-ubyte.gz")
                + ": checksum mismatch: expected md5 ec29112dd5afa0611ce80d1b7f02629c, got "), e.getMessage());
    }
}
