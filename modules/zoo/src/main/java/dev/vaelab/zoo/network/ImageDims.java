package dev.vaelab.zoo.network;

/** The shape of one image, channels × height × width; flattened row-major it has {@link #size()} values. */
public record ImageDims(int channels, int height, int width) {
    public ImageDims {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("bad image shape " + channels + "x" + height + "x" + width);
        }
    }

    public int size() {
        return channels * height * width;
    }
}
