package dev.vaelab.data;

import dev.vaelab.core.error.VaelabException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How grayscale pixels become model inputs ({@code data.binarize} in an experiment file).
 *
 * <ul>
 *   <li>{@link #NONE}: {@code pixel / 255} in {@code [0, 1]}.
 *   <li>{@link #STATIC}: one Bernoulli sample per pixel with {@code p = pixel / 255}, drawn once per
 *       run from the stream {@code "binarize-static"}; the same binary images every epoch.
 *   <li>{@link #DYNAMIC}: training images resampled every epoch from the stream
 *       {@code ("binarize", epoch)}; the common regularizer for Bernoulli VAEs on MNIST.
 * </ul>
 *
 * A dataset that is binary as published (binarized MNIST) passes through NONE and STATIC unchanged;
 * DYNAMIC on it is an error, since a fixed published sample cannot be resampled.
 */
public enum Binarization {
    NONE,
    STATIC,
    DYNAMIC;

    /** The mode for its lower-case name as experiment files write it; unknown names list the options. */
    public static Binarization fromName(String name) {
        for (Binarization b : values()) {
            if (b.configName().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new VaelabException("unknown binarization '" + name + "'; expected one of: "
                + Arrays.stream(values()).map(Binarization::configName).collect(Collectors.joining(", ")));
    }

    /** The name experiment files use: {@code none}, {@code static}, {@code dynamic}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
