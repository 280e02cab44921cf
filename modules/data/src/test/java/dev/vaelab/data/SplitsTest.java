package dev.vaelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.random.RandomStreams;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {
    private static final ImageShape SHAPE = new ImageShape(1, 1, 2);
    private static final DatasetInfo INFO = new DatasetInfo("grid", SHAPE, List.of(), List.of(), false);

    /** {@code n} images, each naming its own index in its two pixels, as a grid in storage order would. */
    private static ImageSet numbered(int n) {
        byte[] pixels = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            pixels[2 * i] = (byte) (i % 256);
            pixels[2 * i + 1] = (byte) (i / 256);
        }
        return ImageSet.wrap(SHAPE, pixels, null, List.of());
    }

    private static int[] indices(ImageSet set) {
        return IntStream.range(0, set.count()).map(i -> set.pixel(i, 0) + 256 * set.pixel(i, 1)).toArray();
    }

    private static boolean ascending(int[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] <= a[i - 1]) {
                return false;
            }
        }
        return true;
    }

    @Test
    void heldOutDrawsTestAndValidationFromTheWholeSet() {
        Dataset data = Splits.heldOut(INFO, numbered(1000), 0.1, 150, new RandomStreams(4));
        int[] train = indices(data.train());
        int[] validation = indices(data.validation().orElseThrow());
        int[] test = indices(data.test());
        assertEquals(750, train.length);
        assertEquals(150, validation.length);
        assertEquals(100, test.length);
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(train), Arrays.stream(validation)), Arrays.stream(test)).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 1000).toArray(), all, "the three splits cover every image once");
        assertTrue(ascending(train) && ascending(validation) && ascending(test), "each split is read in storage order");
        // a systematic order's tail is one corner of the data; these are spread over all of it
        for (int[] split : new int[][] {validation, test}) {
            assertTrue(split[0] < 100 && split[split.length - 1] > 900, Arrays.toString(split));
        }
        Dataset again = Splits.heldOut(INFO, numbered(1000), 0.1, 150, new RandomStreams(4));
        assertArrayEquals(validation, indices(again.validation().orElseThrow()), "the same seed gives the same split");
        assertFalse(Arrays.equals(test, indices(Splits.heldOut(INFO, numbered(1000), 0.1, 150, new RandomStreams(5)).test())));
        assertTrue(Splits.heldOut(INFO, numbered(1000), 0.1, 0, new RandomStreams(4)).validation().isEmpty());
    }

    @Test
    void aPublishedTestSplitKeepsItsImagesAndTheTailOrASeededSampleValidates() {
        Dataset tail = Splits.withTestSplit(INFO, numbered(100), numbered(7), 10);
        assertArrayEquals(IntStream.range(90, 100).toArray(), indices(tail.validation().orElseThrow()));
        assertArrayEquals(IntStream.range(0, 90).toArray(), indices(tail.train()));
        assertEquals(7, tail.test().count());

        Dataset seeded = Splits.withTestSplit(INFO, numbered(100), numbered(7), 10, new RandomStreams(2));
        int[] validation = indices(seeded.validation().orElseThrow());
        assertEquals(10, validation.length);
        assertTrue(ascending(validation) && validation[0] < 50, Arrays.toString(validation));
        assertEquals(90, seeded.train().count());
        assertEquals(0, IntStream.of(indices(seeded.train())).filter(i -> Arrays.binarySearch(validation, i) >= 0).count());
    }

    @Test
    void sizesThatDoNotFitAreNamed() {
        DataException e = assertThrows(DataException.class, () -> Splits.heldOut(INFO, numbered(100), 0.1, 90, new RandomStreams(0)));
        assertEquals("grid: data.validation must be in [0, 90), the validation images are drawn from the 90 training images; got 90",
                e.getMessage());
        e = assertThrows(DataException.class, () -> Splits.heldOut(INFO, numbered(3), 0.9, 0, new RandomStreams(0)));
        assertEquals("grid has 3 images, too few to hold out a test fraction of 0.9 and still train; use more images or a smaller"
                + " data.test_fraction", e.getMessage());
    }
}
