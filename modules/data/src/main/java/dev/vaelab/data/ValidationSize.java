package dev.vaelab.data;

import dev.vaelab.core.config.ConfigMap;

/**
 * How many training images {@code data.validation} holds out: a count ({@code validation: 500}) or a
 * share of the training split ({@code validation: 10%}). A share is a rule, not a number: the resolved
 * config records it as written, and applied to the same data it gives the same count, so a run stays
 * reproducible from its resolved config without vaelab knowing the dataset's size before it loads.
 */
public sealed interface ValidationSize {
    /** The default of datasets that publish no validation split of their own and whose size a config cannot know: 10%. */
    ValidationSize TEN_PERCENT = new Share(10);

    /** The number of validation images out of {@code trainImages}, the images left for training and validation. */
    int of(int trainImages);

    /** Exactly {@code images} validation images, 0 for none. */
    record Count(int images) implements ValidationSize {
        public Count {
            if (images < 0) {
                throw new IllegalArgumentException("validation images must be at least 0: " + images);
            }
        }

        @Override
        public int of(int trainImages) {
            return images;
        }
    }

    /**
     * {@code percent}% of the training split, rounded down, but at least 1 where a share above 0 leaves
     * at least one image to train on.
     */
    record Share(double percent) implements ValidationSize {
        public Share {
            if (!(percent >= 0 && percent < 100)) {
                throw new IllegalArgumentException("a validation share must be in [0%, 100%): " + percent);
            }
        }

        @Override
        public int of(int trainImages) {
            // percent * n / 100 rather than a fraction times n: 10% of 600 is exactly 60, not 59.99…
            int images = (int) Math.floor(percent * trainImages / 100.0);
            return images == 0 && percent > 0 && trainImages >= 2 ? 1 : images;
        }

        /** As the config writes it: {@code 10%}, {@code 2.5%}. */
        public String text() {
            return (percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent)) + "%";
        }
    }

    /**
     * Reads {@code validation}: an integer of at least 0, or a percentage such as {@code 10%}; when
     * absent, {@code byDefault} is recorded in the resolved config as a count or a percentage.
     */
    static ValidationSize read(ConfigMap data, String key, ValidationSize byDefault) {
        if (!data.has(key)) {
            if (byDefault instanceof Count c) {
                return new Count(data.intAtLeast(key, 0, c.images()));
            }
            return share(data, key, data.string(key, ((Share) byDefault).text()));
        }
        String text = data.string(key).strip();
        return text.endsWith("%") ? share(data, key, text) : new Count(data.intAtLeast(key, 0));
    }

    private static Share share(ConfigMap data, String key, String text) {
        String number = text.substring(0, text.length() - 1).strip();
        double percent;
        try {
            percent = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw data.invalid(key, "must be a number of images such as 500 or a share of the training split such as 10%; got '" + text + "'");
        }
        if (!(percent >= 0 && percent < 100)) {
            throw data.invalid(key, "must be a share of the training split in [0%, 100%); got '" + text + "'");
        }
        return new Share(percent);
    }
}
