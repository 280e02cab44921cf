package dev.vaelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.random.RandomStreams;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BinarizerTest {
    private static final ImageShape SHAPE = new ImageShape(1, 4, 5);

    /** A grayscale dataset whose training file has {@code trainFile} images, the last {@code validation} held out. */
    static Dataset grayscale(int trainFile, int validation, int test, boolean binarySpec) {
        ImageSet file = ImageSet.of(SHAPE, TestFiles.randomBytes(5, trainFile * 20), Optional.of(TestFiles.randomLabels(6, trainFile, 3)),
                TestFiles.TINY_LABELS);
        ImageSet testSet = ImageSet.of(SHAPE, TestFiles.randomBytes(7, test * 20), Optional.of(TestFiles.randomLabels(8, test, 3)),
                TestFiles.TINY_LABELS);
        DatasetSpec spec = TestFiles.tinyIdx(1, 1, List.of(URI.create("http://127.0.0.1:9/"))).spec();
        if (binarySpec) {
            spec = new DatasetSpec(spec.name(), spec.directory(), spec.format(), spec.files(), spec.shape(), spec.labelNames(), true, spec.mirrors());
        }
        int cut = trainFile - validation;
        Optional<ImageSet> held = validation == 0 ? Optional.empty() : Optional.of(file.slice(cut, trainFile));
        return new Dataset(spec.info(), file.slice(0, cut), held, testSet, Binarization.NONE);
    }

    private static byte[] bytes(ImageSet set) {
        ByteBuffer b = set.pixels();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static boolean allBinary(ImageSet set) {
        for (byte b : bytes(set)) {
            if (b != 0 && b != (byte) 255) {
                return false;
            }
        }
        return true;
    }

    @Test
    void staticSampleMatchesThePixelIntensitiesWithinFiveStandardErrors() {
        int n = 4000;
        Dataset data = grayscale(n, 0, 10, false);
        Dataset sampled = new Binarizer(new RandomStreams(42)).prepare(data, Binarization.STATIC);
        assertEquals(Binarization.STATIC, sampled.binarization());
        assertTrue(allBinary(sampled.train()));
        assertTrue(allBinary(sampled.test()));
        byte[] gray = bytes(data.train());
        byte[] binary = bytes(sampled.train());
        double expected = 0;
        double variance = 0;
        long ones = 0;
        long[] onesAt = new long[256];
        long[] countAt = new long[256];
        for (int i = 0; i < gray.length; i++) {
            int k = gray[i] & 0xff;
            double p = k / 255.0;
            expected += p;
            variance += p * (1 - p);
            int bit = binary[i] == 0 ? 0 : 1;
            ones += bit;
            onesAt[k] += bit;
            countAt[k]++;
        }
        // 80000 pixels: the standard error of the mean is about 0.0016, so 5 of them is a tolerance of about 0.008.
        double tolerance = 5 * Math.sqrt(variance) / gray.length;
        assertEquals(expected / gray.length, (double) ones / gray.length, tolerance);
        assertEquals(0, onesAt[0], "a black pixel is never 1");
        assertEquals(countAt[255], onesAt[255], "a white pixel is always 1");
        // Pooling the darker and the brighter half shows p tracks the intensity, not just the overall mean.
        assertEquals(intensity(0, 128, countAt), fraction(0, 128, onesAt, countAt), 0.01);
        assertEquals(intensity(128, 256, countAt), fraction(128, 256, onesAt, countAt), 0.01);
    }

    private static double intensity(int from, int to, long[] countAt) {
        double sum = 0;
        long n = 0;
        for (int k = from; k < to; k++) {
            sum += k / 255.0 * countAt[k];
            n += countAt[k];
        }
        return sum / n;
    }

    private static double fraction(int from, int to, long[] onesAt, long[] countAt) {
        long ones = 0;
        long n = 0;
        for (int k = from; k < to; k++) {
            ones += onesAt[k];
            n += countAt[k];
        }
        return (double) ones / n;
    }

    @Test
    void staticSampleIsReproducibleAndDependsOnTheSeed() {
        Dataset data = grayscale(50, 10, 10, false);
        byte[] a = bytes(new Binarizer(new RandomStreams(1)).prepare(data, Binarization.STATIC).train());
        byte[] b = bytes(new Binarizer(new RandomStreams(1)).prepare(data, Binarization.STATIC).train());
        byte[] c = bytes(new Binarizer(new RandomStreams(2)).prepare(data, Binarization.STATIC).train());
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void anImagesStaticSampleDoesNotDependOnTheValidationSize() {
        Binarizer binarizer = new Binarizer(new RandomStreams(3));
        Dataset few = binarizer.prepare(grayscale(60, 5, 10, false), Binarization.STATIC);
        Dataset many = binarizer.prepare(grayscale(60, 25, 10, false), Binarization.STATIC);
        // File image 40 is in training for one, in validation for the other.
        byte[] inTrain = new byte[20];
        byte[] inValidation = new byte[20];
        for (int j = 0; j < 20; j++) {
            inTrain[j] = (byte) few.train().pixel(40, j);
            inValidation[j] = (byte) many.validation().orElseThrow().pixel(40 - 35, j);
        }
        assertArrayEquals(inTrain, inValidation);
        assertArrayEquals(bytes(few.test()), bytes(many.test()));
        assertEquals(few.train().label(3), many.train().label(3));
    }

    @Test
    void dynamicLeavesTrainingGrayscaleAndFixesTheEvaluationSets() {
        Dataset data = grayscale(50, 10, 10, false);
        Dataset prepared = new Binarizer(new RandomStreams(4)).prepare(data, Binarization.DYNAMIC);
        assertEquals(Binarization.DYNAMIC, prepared.binarization());
        assertSame(data.train(), prepared.train());
        assertTrue(allBinary(prepared.validation().orElseThrow()));
        assertTrue(allBinary(prepared.test()));
        Dataset again = new Binarizer(new RandomStreams(4)).prepare(data, Binarization.DYNAMIC);
        assertArrayEquals(bytes(prepared.test()), bytes(again.test()));
        assertEquals(data.test().label(2), prepared.test().label(2));
    }

    @Test
    void noneKeepsTheDataAsLoaded() {
        Dataset data = grayscale(20, 0, 5, false);
        assertSame(data, new Binarizer(new RandomStreams(5)).prepare(data, Binarization.NONE));
    }

    @Test
    void publishedBinaryDataPassesThroughStaticAndRefusesDynamic() {
        Dataset binary = grayscale(20, 5, 5, true);
        Binarizer binarizer = new Binarizer(new RandomStreams(6));
        Dataset asStatic = binarizer.prepare(binary, Binarization.STATIC);
        assertSame(binary.train(), asStatic.train());
        assertSame(binary.test(), asStatic.test());
        assertEquals(Binarization.STATIC, asStatic.binarization());
        DataException e = assertThrows(DataException.class, () -> binarizer.prepare(binary, Binarization.DYNAMIC));
        assertTrue(e.getMessage().startsWith("tiny is published already binarized (one fixed sample per image), so dynamic binarization has no "
                + "grayscale pixels to resample"), e.getMessage());
    }

    @Test
    void aDatasetIsPreparedOnlyOnce() {
        Binarizer binarizer = new Binarizer(new RandomStreams(7));
        Dataset once = binarizer.prepare(grayscale(20, 0, 5, false), Binarization.STATIC);
        assertThrows(IllegalArgumentException.class, () -> binarizer.prepare(once, Binarization.STATIC));
    }

    @Test
    void namesParseAsExperimentFilesWriteThem() {
        assertEquals(Binarization.DYNAMIC, Binarization.fromName("dynamic"));
        assertEquals(Binarization.STATIC, Binarization.fromName(" Static "));
        VaelabException e = assertThrows(VaelabException.class, () -> Binarization.fromName("bernoulli"));
        assertEquals("unknown binarization 'bernoulli'; expected one of: none, static, dynamic", e.getMessage());
    }
}
