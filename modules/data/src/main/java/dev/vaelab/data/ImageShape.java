package dev.vaelab.data;

/**
 * The shape of one image, channels first.
 *
 * @param channels number of channels (1 for grayscale)
 * @param height rows
 * @param width columns
 */
public record ImageShape(int channels, int height, int width) {
    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive: " + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image too large: " + channels + "x" + height + "x" + width);
        }
    }

    /** Values per image, {@code C*H*W}. */
    public int size() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
