package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.random.RandomStreams;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Applies the once-per-run part of a {@link Binarization} to a loaded dataset.
 *
 * <p>STATIC samples every split once from the stream {@code "binarize-static"}; DYNAMIC samples
 * validation and test once from {@code "binarize-eval"}, so that their metrics compare across epochs,
 * and leaves the training images grayscale for the {@link BatchPlanner} to resample each epoch. Each
 * image draws one key from the stream in file order (training file, then test), so an image's sample
 * does not depend on how many images the validation split takes. A set read from an
 * {@link ImageStore} is not copied: its sample is drawn per image, from the same keys, when it is read.
 */
public final class Binarizer {
    private final RandomStreams streams;

    public Binarizer(RandomStreams streams) {
        this.streams = streams;
    }

    /** The dataset ready for batching under {@code mode}; {@code data} must be as loaded (NONE). */
    public Dataset prepare(Dataset data, Binarization mode) {
        if (data.binarization() != Binarization.NONE) {
            throw new IllegalArgumentException(data.name() + " is already prepared for " + data.binarization().configName() + " binarization");
        }
        if (data.info().binary()) {
            if (mode == Binarization.DYNAMIC) {
                throw new DataException(data.name() + " is published already binarized (one fixed sample per image), so dynamic "
                        + "binarization has no grayscale pixels to resample; use binarize: static or none with it, or dynamic with mnist");
            }
            return new Dataset(data.info(), data.train(), data.validation(), data.test(), mode, data.loadMetrics());
        }
        return switch (mode) {
            case NONE -> data;
            case STATIC -> sampleAll(data, streams.stream("binarize-static"), true, mode);
            case DYNAMIC -> sampleAll(data, streams.stream("binarize-eval"), false, mode);
        };
    }

    private static Dataset sampleAll(Dataset data, SplittableRandom random, boolean includingTrain, Binarization mode) {
        // Keys are drawn for the training images even when they stay grayscale, so that validation keys depend only on file position.
        ImageSet train = sample(data.train(), random, includingTrain);
        Optional<ImageSet> validation = data.validation().map(v -> sample(v, random, true));
        ImageSet test = sample(data.test(), random, true);
        return new Dataset(data.info(), train, validation, test, mode, data.loadMetrics());
    }

    private static ImageSet sample(ImageSet images, SplittableRandom random, boolean keep) {
        if (!keep) {
            for (int i = 0; i < images.count(); i++) {
                random.nextLong();
            }
            return images;
        }
        if (!images.inMemory()) {
            // the same keys in the same order, sampled when an image is read: no heap copy of a set on disk
            long[] keys = new long[images.count()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = random.nextLong();
            }
            return images.withPixels(new SampledPixels(images, keys));
        }
        int size = images.imageSize();
        byte[] out = new byte[images.count() * size];
        for (int i = 0; i < images.count(); i++) {
            Bernoulli.sample(images.pixelArray(), images.offset(i), size, random.nextLong(), out, i * size);
        }
        return images.withPixels(out);
    }
}
