package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.random.RandomStreams;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * How a provider turns what it read into train, validation and test, the same way for every dataset.
 * Files published in a random order (MNIST, CIFAR-10) give their last {@code data.validation}
 * training images to validation, as is common practice; sets stored in a systematic order (a factor
 * grid, class folders) draw validation, and test where none is published, by a seeded shuffle, since
 * their tail would be one corner of the data. Splits are views of the loaded set; nothing is copied.
 */
public final class Splits {
    private Splits() {}

    /** A published test split and a training file in random order: validation is its last {@code validation} images. */
    public static Dataset withTestSplit(DatasetInfo info, ImageSet train, ImageSet test, int validation) {
        return withTestSplit(info, train, test, new ValidationSize.Count(validation));
    }

    /** As {@link #withTestSplit(DatasetInfo, ImageSet, ImageSet, int)}, with a count or a share of the training images. */
    public static Dataset withTestSplit(DatasetInfo info, ImageSet train, ImageSet test, ValidationSize size) {
        int validation = size.of(train.count());
        checkValidation(info, train.count(), validation, "taken from the end of the");
        int cut = train.count() - validation;
        Optional<ImageSet> held = validation == 0 ? Optional.empty() : Optional.of(train.slice(cut, train.count()));
        return new Dataset(info, train.slice(0, cut), held, test, Binarization.NONE);
    }

    /**
     * A published test split and training images in a systematic order (e.g. class by class):
     * validation is {@code validation} of them drawn by a shuffle from the stream {@code "validation-split"}.
     */
    public static Dataset withTestSplit(DatasetInfo info, ImageSet train, ImageSet test, int validation, RandomStreams streams) {
        return withTestSplit(info, train, test, new ValidationSize.Count(validation), streams);
    }

    /** As {@link #withTestSplit(DatasetInfo, ImageSet, ImageSet, int, RandomStreams)}, with a count or a share of the training images. */
    public static Dataset withTestSplit(DatasetInfo info, ImageSet train, ImageSet test, ValidationSize size, RandomStreams streams) {
        int validation = size.of(train.count());
        checkValidation(info, train.count(), validation, "drawn from the");
        int[] order = shuffled(train.count(), streams.stream("validation-split"));
        return split(info, train, order, 0, validation, test);
    }

    /**
     * No published test split: a shuffle from the stream {@code "test-split"} gives
     * {@code max(1, round(testFraction * N))} images to test, the next {@code validation} to
     * validation and the rest to train, each kept in storage order so that a stored set is read mostly
     * in sequence.
     */
    public static Dataset heldOut(DatasetInfo info, ImageSet all, double testFraction, int validation, RandomStreams streams) {
        return heldOut(info, all, testFraction, new ValidationSize.Count(validation), streams);
    }

    /**
     * As {@link #heldOut(DatasetInfo, ImageSet, double, int, RandomStreams)}, with a count or a share of
     * the images left after the test split.
     */
    public static Dataset heldOut(DatasetInfo info, ImageSet all, double testFraction, ValidationSize size, RandomStreams streams) {
        int n = all.count();
        int tests = (int) Math.max(1, Math.round(testFraction * n));
        if (tests >= n) {
            throw new DataException(info.name() + " has " + n + " images, too few to hold out a test fraction of " + testFraction
                    + " and still train; use more images or a smaller data.test_fraction");
        }
        int validation = size.of(n - tests);
        checkValidation(info, n - tests, validation, "drawn from the");
        int[] order = shuffled(n, streams.stream("test-split"));
        ImageSet test = all.select(sorted(order, 0, tests));
        return split(info, all, order, tests, validation, test);
    }

    /** Validation is {@code order[from, from + validation)}, train the rest of {@code order} after {@code from}. */
    private static Dataset split(DatasetInfo info, ImageSet images, int[] order, int from, int validation, ImageSet test) {
        Optional<ImageSet> held = validation == 0 ? Optional.empty() : Optional.of(images.select(sorted(order, from, from + validation)));
        ImageSet train = images.select(sorted(order, from + validation, order.length));
        return new Dataset(info, train, held, test, Binarization.NONE);
    }

    private static void checkValidation(DatasetInfo info, int trainImages, int validation, String how) {
        if (validation < 0 || validation >= trainImages) {
            throw new DataException(info.name() + ": data.validation must be in [0, " + trainImages + "), the validation images are "
                    + how + " " + trainImages + " training images; got " + validation);
        }
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        return RandomStreams.permutation(n, random);
    }

    private static int[] sorted(int[] order, int from, int to) {
        int[] out = Arrays.copyOfRange(order, from, to);
        Arrays.sort(out);
        return out;
    }
}
