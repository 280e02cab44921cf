package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.random.RandomStreams;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * How a provider turns what it read into train, validation and test, the same way for every dataset:
 * the validation images are the last {@code data.validation} of the training images (as for MNIST),
 * and a dataset without a published test split holds out a seeded {@code test_fraction} of its images.
 * Splits are views of the loaded set; nothing is copied.
 */
public final class Splits {
    private Splits() {}

    /** A dataset with a published test split: the validation images come from the end of {@code train}. */
    public static Dataset withTestSplit(DatasetInfo info, ImageSet train, ImageSet test, int validation) {
        if (validation < 0 || validation >= train.count()) {
            throw new DataException(info.name() + ": data.validation must be in [0, " + train.count() + "), the validation images are "
                    + "taken from the end of the " + train.count() + " training images; got " + validation);
        }
        int cut = train.count() - validation;
        Optional<ImageSet> held = validation == 0 ? Optional.empty() : Optional.of(train.slice(cut, train.count()));
        return new Dataset(info, train.slice(0, cut), held, test, Binarization.NONE);
    }

    /**
     * A dataset without a test split: {@code max(1, round(testFraction * N))} images drawn by a
     * shuffle from the stream {@code "test-split"} are the test split, the rest (in their original
     * order, so that a stored set is read mostly in sequence) train and validation.
     */
    public static Dataset heldOut(DatasetInfo info, ImageSet all, double testFraction, int validation, RandomStreams streams) {
        int n = all.count();
        int tests = (int) Math.max(1, Math.round(testFraction * n));
        if (tests >= n) {
            throw new DataException(info.name() + " has " + n + " images, too few to hold out a test fraction of " + testFraction
                    + " and still train; use more images or a smaller data.test_fraction");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = streams.stream("test-split");
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] test = Arrays.copyOfRange(order, 0, tests);
        int[] rest = Arrays.copyOfRange(order, tests, n);
        Arrays.sort(test);
        Arrays.sort(rest);
        return withTestSplit(info, all.select(rest), all.select(test), validation);
    }
}
