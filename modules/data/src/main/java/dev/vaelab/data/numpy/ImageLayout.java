package dev.vaelab.data.numpy;

import dev.vaelab.data.ImageShape;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How the axes of an image array are ordered.
 *
 * <p>The rule that {@link #infer} applies when the config names no {@code layout}: rank 3 is
 * {@code [N, H, W]} (grey); rank 4 is {@code [N, H, W, C]} when the last dimension is 1, 3 or 4 and the
 * second is not, {@code [N, C, H, W]} when the second is 1 or 3 and the last is not. Anything else (e.g.
 * {@code [N, 3, 4, 3]}) is ambiguous and needs {@code layout:}.
 */
public enum ImageLayout {
    /** {@code [N, H, W]}: one grey channel. */
    NHW(3),
    /** {@code [N, H, W, C]}: channels last, as images are usually saved from Python. */
    NHWC(4),
    /** {@code [N, C, H, W]}: channels first, as PyTorch holds them. */
    NCHW(4);

    private final int rank;

    ImageLayout(int rank) {
        this.rank = rank;
    }

    /** The name a config spells, e.g. {@code NHWC}. */
    public String label() {
        return name();
    }

    /** The layout spelled {@code name} (any case), if there is one. */
    public static Optional<ImageLayout> parse(String name) {
        return Arrays.stream(values()).filter(l -> l.name().equals(name.toUpperCase(Locale.ROOT))).findFirst();
    }

    /** The layout of an array of {@code shape} by the rule above; fails saying why when none or several fit. */
    public static ImageLayout infer(long[] shape) {
        if (shape.length == 3) {
            return NHW;
        }
        if (shape.length != 4) {
            throw new IllegalArgumentException("images must have 3 dimensions [N, H, W] or 4 ([N, H, W, C] or [N, C, H, W]), found "
                    + shape.length);
        }
        boolean channelsLast = shape[3] == 1 || shape[3] == 3 || shape[3] == 4;
        boolean channelsFirst = shape[1] == 1 || shape[1] == 3;
        if (channelsLast && !channelsFirst) {
            return NHWC;
        }
        if (channelsFirst && !channelsLast) {
            return NCHW;
        }
        throw new IllegalArgumentException("the layout of shape " + Arrays.toString(shape) + " is ambiguous; set layout to NHWC or NCHW");
    }

    /**
     * The channels, height and width of one image of an array of {@code shape} in this layout, as stored;
     * fails when the rank does not fit, a size is zero or the channels are not 1, 3 or 4.
     */
    public ImageShape storedShape(long[] shape) {
        if (shape.length != rank) {
            throw new IllegalArgumentException("layout " + name() + " needs " + rank + " dimensions, the array has " + shape.length);
        }
        long c = switch (this) {
            case NHW -> 1;
            case NHWC -> shape[3];
            case NCHW -> shape[1];
        };
        long h = this == NCHW ? shape[2] : shape[1];
        long w = this == NCHW ? shape[3] : shape[2];
        if (c != 1 && c != 3 && c != 4) {
            throw new IllegalArgumentException("in layout " + name() + " shape " + Arrays.toString(shape) + " has " + c
                    + " channels; images have 1 (grey), 3 (RGB) or 4 (RGBA)");
        }
        if (h < 1 || w < 1 || c * h * w > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("images of " + h + "x" + w + " are not possible");
        }
        return new ImageShape((int) c, (int) h, (int) w);
    }
}
