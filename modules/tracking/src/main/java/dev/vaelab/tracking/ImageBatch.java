package dev.vaelab.tracking;

import java.util.Objects;

/**
 * A batch of images as the engine produces them: {@code float} values, nominally in [0, 1], laid
 * out {@code [count, channels, height, width]} row-major (NCHW, as ONNX tensors are; a flattened
 * MLP output of 784 values is one channel of 28 x 28). The array is wrapped, not copied, since
 * batches are large; do not change it while the batch is in use.
 *
 * @param pixels the values, {@code count * channels * height * width} of them
 * @param count the number of images
 * @param channels 1 (grey) or 3 (RGB)
 * @param height rows per image
 * @param width columns per image
 */
public record ImageBatch(float[] pixels, int count, int channels, int height, int width) {
    public ImageBatch {
        Objects.requireNonNull(pixels, "pixels");
        if (count < 0 || height < 1 || width < 1) {
            throw new IllegalArgumentException("an image batch needs count >= 0 and a positive size, got count "
                    + count + ", " + height + " x " + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 (grey) or 3 (RGB) channels, not " + channels);
        }
        long expected = (long) count * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("an image batch of " + count + " x " + channels + " x " + height
                    + " x " + width + " needs " + expected + " values, got " + pixels.length);
        }
    }

    /** The value of one pixel of one channel of one image. */
    public float value(int image, int channel, int y, int x) {
        return pixels[((image * channels + channel) * height + y) * width + x];
    }

    /** Whether {@code other} holds images of the same shape (channels, height, width). */
    public boolean sameImageShape(ImageBatch other) {
        return channels == other.channels && height == other.height && width == other.width;
    }
}
