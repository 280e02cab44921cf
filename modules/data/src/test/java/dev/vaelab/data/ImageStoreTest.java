package dev.vaelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.random.RandomStreams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
    private static final ImageShape SHAPE = new ImageShape(3, 4, 5);
    private static final int N = 37;
    private static final List<Factor> FACTORS = List.of(new Factor("size", List.of(1.0, 2.0)), new Factor("hue", List.of(0.0, 0.3, 0.6)));

    @TempDir
    Path dir;

    private final byte[] pixels = TestFiles.randomBytes(11, N * SHAPE.size());
    private final int[] labels = TestFiles.randomLabels(12, N, 3);
    private final int[] factorClasses = factorClasses();

    private static int[] factorClasses() {
        int[] out = new int[N * 2];
        for (int i = 0; i < N; i++) {
            out[2 * i] = i % 2;
            out[2 * i + 1] = (i / 2) % 3;
        }
        return out;
    }

    private ImageSet heap() {
        return ImageSet.create(SHAPE, new Pixels.Heap(pixels.clone(), SHAPE.size()), labels.clone(), TestFiles.TINY_LABELS,
                factorClasses.clone(), FACTORS);
    }

    private Path write(Path file) {
        try (ImageStore.Writer writer = ImageStore.writer(file, new ImageStore.Layout(SHAPE, N, true, 2))) {
            for (int i = 0; i < N; i++) {
                writer.add(pixels, i * SHAPE.size(), labels[i], new int[] {factorClasses[2 * i], factorClasses[2 * i + 1]});
            }
            writer.commit();
        }
        return file;
    }

    private ImageSet stored() {
        return ImageStore.open(write(dir.resolve("s/" + ImageStore.FILE_NAME))).images(TestFiles.TINY_LABELS, FACTORS);
    }

    @Test
    void roundTripKeepsPixelsLabelsAndFactors() throws IOException {
        Path file = write(dir.resolve(ImageStore.FILE_NAME));
        ImageStore store = ImageStore.open(file);
        assertEquals(new ImageStore.Layout(SHAPE, N, true, 2), store.layout());
        assertEquals(64L + (long) N * SHAPE.size() + 4L * N + 8L * N, Files.size(file));
        ImageSet set = store.images(TestFiles.TINY_LABELS, FACTORS);
        assertFalse(set.inMemory());
        assertEquals(N, set.count());
        byte[] back = new byte[N * SHAPE.size()];
        set.pixels().get(back);
        assertArrayEquals(pixels, back);
        assertArrayEquals(labels, intArray(set));
        assertEquals(1, set.factorClass(3, 0));
        assertEquals(1, set.factorClass(3, 1));
        assertArrayEquals(new int[] {0, 2}, set.factorClasses()[4]);
        assertEquals(pixels[5 * SHAPE.size() + 7] & 0xff, set.pixel(5, 7));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    private static int[] intArray(ImageSet set) {
        var buffer = set.labels().orElseThrow();
        int[] out = new int[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Test
    void imagesBeyondTwoGibibytesAreRead() throws IOException {
        // a sparse file of 600,000 64x64 images (2.46 GB): offsets past 2^31 must be longs all the way
        ImageShape shape = new ImageShape(1, 64, 64);
        int count = 600_000;
        Path file = dir.resolve("big/" + ImageStore.FILE_NAME);
        Files.createDirectories(file.getParent());
        ImageStore.Layout layout = new ImageStore.Layout(shape, count, false, 0);
        int[] probes = {0, 524_287, 524_288, count - 1}; // 524,288 images of 4096 bytes are exactly 2^31 bytes
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.writeLong(ImageStore.MAGIC);
            raf.writeInt(ImageStore.VERSION);
            raf.writeInt(1);
            raf.writeInt(64);
            raf.writeInt(64);
            raf.writeLong(count);
            raf.writeInt(0);
            raf.writeInt(0);
            raf.setLength(ImageStore.HEADER_BYTES + (long) count * shape.size());
            for (int image : probes) {
                raf.seek(ImageStore.HEADER_BYTES + (long) image * shape.size());
                raf.write(pattern(image, shape.size()));
            }
        }
        assertTrue(Files.size(file) > (1L << 31));
        ImageStore store = ImageStore.open(file);
        assertEquals(layout, store.layout());
        ImageSet set = store.images(List.of(), List.of());
        byte[] image = new byte[shape.size()];
        for (int probe : probes) {
            set.copyImage(probe, image, 0);
            assertArrayEquals(pattern(probe, shape.size()), image, "image " + probe);
            ByteBuffer out = ByteBuffer.allocateDirect(3 * shape.size());
            set.putImage(probe, out, shape.size());
            byte[] middle = new byte[shape.size()];
            out.get(shape.size(), middle);
            assertArrayEquals(pattern(probe, shape.size()), middle);
            assertEquals(0, out.position(), "writing leaves the position alone");
        }
        assertEquals(ImageStore.HEADER_BYTES + (1L << 31), ((FilePixels) store.pixelSource()).offset(524_288));
    }

    private static byte[] pattern(int image, int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = (byte) (image * 31 + i * 7 + 1);
        }
        return out;
    }

    @Test
    void storedAndHeapSetsGiveTheSameBatches() {
        ImageSet heap = heap();
        ImageSet onDisk = stored();
        for (Binarization mode : Binarization.values()) {
            Dataset a = split(heap, mode);
            Dataset b = split(onDisk, mode);
            assertTrue(a.train().inMemory());
            assertFalse(b.train().inMemory(), "a stored set stays on disk under " + mode);
            BatchPlanner pa = new BatchPlanner(a, 4, new RandomStreams(3));
            BatchPlanner pb = new BatchPlanner(b, 4, new RandomStreams(3));
            for (int epoch = 0; epoch < 2; epoch++) {
                ByteBuffer ia = ByteBuffer.allocateDirect(pa.batchesPerEpoch() * 4 * SHAPE.size());
                ByteBuffer ib = ByteBuffer.allocateDirect(ia.capacity());
                pa.epoch(epoch).fillImages(ia, 0, pa.batchesPerEpoch());
                pb.epoch(epoch).fillImages(ib, 0, pb.batchesPerEpoch());
                assertEquals(ia, ib, mode + " epoch " + epoch);
                FloatBuffer ya = FloatBuffer.allocate(pa.batchesPerEpoch() * 4 * 3);
                FloatBuffer yb = FloatBuffer.allocate(ya.capacity());
                pa.epoch(epoch).fillOneHot(ya, 0, pa.batchesPerEpoch());
                pb.epoch(epoch).fillOneHot(yb, 0, pb.batchesPerEpoch());
                assertEquals(ya, yb);
            }
            for (Split s : Split.values()) {
                EvalBatches ea = new EvalBatches(a.split(s).orElseThrow(), 5);
                EvalBatches eb = new EvalBatches(b.split(s).orElseThrow(), 5);
                FloatBuffer xa = FloatBuffer.allocate(ea.count() * SHAPE.size());
                FloatBuffer xb = FloatBuffer.allocate(xa.capacity());
                ea.fillImages(xa, 0, ea.batches());
                eb.fillImages(xb, 0, eb.batches());
                assertEquals(xa, xb, mode + " " + s);
                assertArrayEquals(a.split(s).orElseThrow().factorClasses(), b.split(s).orElseThrow().factorClasses());
            }
        }
    }

    /** A seeded split of the whole set into train, validation and test, then binarized. */
    private static Dataset split(ImageSet all, Binarization mode) {
        DatasetInfo info = new DatasetInfo("tiny", SHAPE, TestFiles.TINY_LABELS, FACTORS, false);
        Dataset loaded = Splits.heldOut(info, all, 0.2, 6, new RandomStreams(5));
        return new Binarizer(new RandomStreams(5)).prepare(loaded, mode);
    }

    @Test
    void staticBinarizationOfAStoredSetIsBinaryAndStable() {
        Dataset data = split(stored(), Binarization.STATIC);
        ImageSet train = data.train();
        assertFalse(train.inMemory());
        ByteBuffer first = train.pixels();
        for (int i = 0; i < first.remaining(); i++) {
            int v = first.get(i) & 0xff;
            assertTrue(v == 0 || v == 255, "binary pixel " + v);
        }
        assertEquals(first, train.pixels(), "the same sample every time it is read");
    }

    @Test
    void cacheWritesOnceAndReusesTheStore() {
        DatasetCache cache = DatasetCache.under(dir.resolve("results"));
        ImageStore.Layout layout = new ImageStore.Layout(SHAPE, 2, false, 0);
        AtomicInteger fills = new AtomicInteger();
        for (int run = 0; run < 2; run++) {
            ImageStore store = cache.store("toy", "k1", layout, writer -> {
                fills.incrementAndGet();
                writer.add(pixels, 0, 0, new int[0]);
                writer.add(pixels, SHAPE.size(), 0, new int[0]);
            });
            assertEquals(dir.resolve("results/.cache/datasets/toy-k1/" + ImageStore.FILE_NAME), store.file());
        }
        assertEquals(1, fills.get());
    }

    @Test
    void aFailedFillLeavesNothingAndBadFilesAreNamed() throws IOException {
        DatasetCache cache = DatasetCache.under(dir.resolve("results"));
        ImageStore.Layout layout = new ImageStore.Layout(SHAPE, 2, false, 0);
        assertThrows(IllegalStateException.class, () -> cache.store("toy", "k2", layout, writer -> writer.add(pixels, 0, 0, new int[0])));
        try (var files = Files.list(cache.directory("toy", "k2"))) {
            assertEquals(0, files.count(), "an incomplete store is not left behind");
        }
        Path file = write(dir.resolve("t/" + ImageStore.FILE_NAME));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        DataException e = assertThrows(DataException.class, () -> ImageStore.open(file));
        assertEquals("the image store " + file + " cannot be used: it has " + (bytes.length - 1) + " bytes where its header promises "
                + bytes.length + "; delete its folder to have it written again", e.getMessage());
        Files.write(file, "not a store".getBytes());
        e = assertThrows(DataException.class, () -> ImageStore.open(file));
        assertTrue(e.getMessage().contains("it is not a vaelab image store"), e.getMessage());
    }

    @Test
    void selectAndSliceShareTheStorage() {
        ImageSet set = stored();
        ImageSet picked = set.select(new int[] {9, 2, 30}).slice(1, 3);
        assertEquals(2, picked.count());
        assertEquals(labels[2], picked.label(0));
        assertEquals(labels[30], picked.label(1));
        assertEquals(pixels[30 * SHAPE.size() + 1] & 0xff, picked.pixel(1, 1));
        assertArrayEquals(new int[] {0, 0}, picked.factorClasses()[1]);
        var pickedLabels = picked.labels().orElseThrow();
        assertEquals(2, pickedLabels.remaining());
        assertEquals(labels[30], pickedLabels.get(1));
    }
}
