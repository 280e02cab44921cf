package dev.vaelab.data;

import static dev.vaelab.data.TestFiles.gzip;
import static dev.vaelab.data.TestFiles.idxImages;
import static dev.vaelab.data.TestFiles.idxLabels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.console.ProgressBar;
import dev.vaelab.core.error.DataException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {
    private static final List<URI> UNUSED_MIRROR = List.of(URI.create("http://127.0.0.1:9/never/"));

    @TempDir
    Path dir;

    private DataRoot root() {
        return new DataRoot(dir);
    }

    private static Downloader quietDownloader() {
        return new Downloader(Downloader.newClient(Duration.ofSeconds(2)), Duration.ofSeconds(5),
                (label, total) -> new ProgressBar(new PrintStream(OutputStream.nullOutputStream()), label, total, false));
    }

    private DatasetLoader loader() {
        return new DatasetLoader(root(), quietDownloader());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }

    private static int[] ints(ImageSet set) {
        int[] labels = new int[set.count()];
        set.labels().orElseThrow().get(labels);
        return labels;
    }

    @Test
    void validationIsTheLastImagesOfTheTrainingFile() {
        TestFiles.TinyIdx tiny = TestFiles.tinyIdx(50, 7, UNUSED_MIRROR);
        tiny.writeTo(root());
        Dataset data = loader().load(tiny.spec(), 12);
        assertEquals(Binarization.NONE, data.binarization());
        assertEquals(38, data.train().count());
        assertEquals(12, data.validation().orElseThrow().count());
        assertEquals(7, data.test().count());
        assertArrayEquals(Arrays.copyOfRange(tiny.trainPixels(), 0, 38 * 20), bytes(data.train().pixels()));
        assertArrayEquals(Arrays.copyOfRange(tiny.trainPixels(), 38 * 20, 50 * 20), bytes(data.validation().orElseThrow().pixels()));
        assertArrayEquals(Arrays.copyOfRange(tiny.trainLabels(), 38, 50), ints(data.validation().orElseThrow()));
        assertArrayEquals(Arrays.copyOfRange(tiny.trainLabels(), 0, 38), ints(data.train()));
        assertArrayEquals(tiny.testPixels(), bytes(data.test().pixels()));
        assertArrayEquals(tiny.testLabels(), ints(data.test()));
        assertEquals(tiny.trainPixels()[45 * 20 + 7] & 0xff, data.validation().orElseThrow().pixel(45 - 38, 7));
        assertEquals(TestFiles.TINY_LABELS, data.test().labelNames());
    }

    @Test
    void validationZeroMeansNoneAndOutOfRangeIsAnError() {
        TestFiles.TinyIdx tiny = TestFiles.tinyIdx(10, 3, UNUSED_MIRROR);
        tiny.writeTo(root());
        Dataset data = loader().load(tiny.spec(), 0);
        assertFalse(data.validation().isPresent());
        assertEquals(10, data.train().count());
        DataException e = assertThrows(DataException.class, () -> loader().load(tiny.spec(), 10));
        assertEquals("tiny: data.validation must be in [0, 10), the validation images are taken from the end of the 10 training images; got 10",
                e.getMessage());
    }

    @Test
    void aLabelCountThatDoesNotMatchTheImagesNamesTheFile() {
        List<byte[]> gz = List.of(
                gzip(idxImages(4, 4, 5, new byte[80])), gzip(idxLabels(new int[] {0, 1, 2})),
                gzip(idxImages(1, 4, 5, new byte[20])), gzip(idxLabels(new int[] {0})));
        DatasetSpec spec = TestFiles.idxSpec(gz, UNUSED_MIRROR);
        writeAll(spec, gz);
        DataException e = assertThrows(DataException.class, () -> loader().load(spec, 0));
        Path labels = root().directory(spec).resolve("train-labels-idx1-ubyte.gz");
        assertEquals(labels + ": 3 labels, but train-images-idx3-ubyte.gz has 4 images", e.getMessage());
    }

    @Test
    void labelsOutsideTheClassesAndWrongImageSizesAreErrors() {
        List<byte[]> badLabel = List.of(
                gzip(idxImages(2, 4, 5, new byte[40])), gzip(idxLabels(new int[] {0, 3})),
                gzip(idxImages(1, 4, 5, new byte[20])), gzip(idxLabels(new int[] {0})));
        DatasetSpec spec = TestFiles.idxSpec(badLabel, UNUSED_MIRROR);
        writeAll(spec, badLabel);
        DataException e = assertThrows(DataException.class, () -> loader().load(spec, 0));
        assertTrue(e.getMessage().endsWith("train-labels-idx1-ubyte.gz: label 3 of image 1 is not a class of tiny (0 to 2)"), e.getMessage());

        List<byte[]> transposed = List.of(
                gzip(idxImages(2, 5, 4, new byte[40])), gzip(idxLabels(new int[] {0, 1})),
                gzip(idxImages(1, 4, 5, new byte[20])), gzip(idxLabels(new int[] {0})));
        DatasetSpec other = TestFiles.idxSpec(transposed, UNUSED_MIRROR);
        writeAll(other, transposed);
        e = assertThrows(DataException.class, () -> loader().load(other, 0));
        assertTrue(e.getMessage().endsWith("train-images-idx3-ubyte.gz: images are 5x4, expected 1x4x5"), e.getMessage());
    }

    @Test
    void aFileThatDoesNotMatchItsChecksumIsRejectedWithTheExpectedChecksum() {
        TestFiles.TinyIdx tiny = TestFiles.tinyIdx(10, 3, UNUSED_MIRROR);
        tiny.writeTo(root());
        Path testImages = root().directory(tiny.spec()).resolve("t10k-images-idx3-ubyte.gz");
        byte[] other = gzip(idxImages(3, 4, 5, new byte[60]));
        TestFiles.write(testImages, other);
        String expected = tiny.spec().file(Split.TEST, DataFile.Content.IMAGES).orElseThrow().checksum().hex();
        DataException e = assertThrows(DataException.class, () -> loader().load(tiny.spec(), 0));
        assertEquals(testImages + ": checksum mismatch: expected md5 " + expected + ", got " + TestFiles.md5(other)
                + "; delete the file to download it again", e.getMessage());
    }

    @Test
    void missingFilesAreDownloadedOnceAndThenReadFromTheDataRoot() throws Exception {
        try (TestServer server = new TestServer()) {
            TestFiles.TinyIdx tiny = TestFiles.tinyIdx(20, 5, List.of(URI.create("http://127.0.0.1:9/unused/")));
            for (int i = 0; i < 4; i++) {
                byte[] body = tiny.gzFiles().get(i);
                server.route("/m/" + tiny.spec().files().get(i).name(), TestServer.ok(body));
            }
            DatasetSpec spec = tiny.spec().withMirrors(List.of(server.base("/m/")));
            TestFiles.write(root().directory(spec).resolve("t10k-labels-idx1-ubyte.gz"), tiny.gzFiles().get(3));
            Dataset data = loader().load(spec, 5);
            assertArrayEquals(tiny.testPixels(), bytes(data.test().pixels()));
            assertEquals(1, server.hits("/m/train-images-idx3-ubyte.gz"));
            assertEquals(0, server.hits("/m/t10k-labels-idx1-ubyte.gz"), "a file already present is not downloaded");
            loader().load(spec, 5);
            assertEquals(1, server.hits("/m/train-images-idx3-ubyte.gz"), "a second load reads the data root");
            try (var files = Files.list(root().directory(spec))) {
                assertEquals(4, files.count());
            }
        }
    }

    @Test
    void amatDatasetsUseTheirOwnSplit() {
        byte[] train = binary(31, 6 * 20);
        byte[] valid = binary(32, 2 * 20);
        byte[] test = binary(33, 3 * 20);
        List<DataFile> files = List.of(amatFile("t.amat", TestFiles.amat(train, 20), Split.TRAIN),
                amatFile("v.amat", TestFiles.amat(valid, 20), Split.VALIDATION), amatFile("e.amat", TestFiles.amat(test, 20), Split.TEST));
        DatasetSpec spec = new DatasetSpec("bin", "bin", DatasetSpec.Format.AMAT, files, new ImageShape(1, 4, 5), List.of(), true, UNUSED_MIRROR);
        TestFiles.write(root().directory(spec).resolve("t.amat.gz"), gzip(TestFiles.amat(train, 20)));
        TestFiles.write(root().directory(spec).resolve("v.amat.gz"), gzip(TestFiles.amat(valid, 20)));
        TestFiles.write(root().directory(spec).resolve("e.amat.gz"), gzip(TestFiles.amat(test, 20)));
        Dataset data = loader().load(spec, 2);
        assertArrayEquals(train, bytes(data.train().pixels()));
        assertArrayEquals(valid, bytes(data.validation().orElseThrow().pixels()));
        assertArrayEquals(test, bytes(data.test().pixels()));
        assertFalse(data.train().hasLabels());
        assertFalse(loader().load(spec, 0).validation().isPresent());
        DataException e = assertThrows(DataException.class, () -> loader().load(spec, 1));
        assertEquals("bin has a fixed validation split of 2 images; set data.validation to 2, or to 0 for none; got 1", e.getMessage());
    }

    private static DataFile amatFile(String name, byte[] text, Split split) {
        return new DataFile(name + ".gz", name, text.length, Checksum.sha256OfUncompressed(TestFiles.sha256(text)), split, DataFile.Content.IMAGES);
    }

    private static byte[] binary(long seed, int n) {
        byte[] b = TestFiles.randomBytes(seed, n);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (b[i] < 0 ? 255 : 0);
        }
        return b;
    }

    private void writeAll(DatasetSpec spec, List<byte[]> gz) {
        for (int i = 0; i < gz.size(); i++) {
            TestFiles.write(root().directory(spec).resolve(spec.files().get(i).name()), gz.get(i));
        }
    }
}
