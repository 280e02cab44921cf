package dev.vaelab.export;

/**
 * Images as model inputs: {@code count} images of C x H x W, each flattened row-major over
 * (channel, row, column), values pixel/255 in [0, 1].
 */
public record Images(float[] pixels, int count, int channels, int height, int width) {
    public Images {
        if ((long) count * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " values are not " + count + " images of "
                    + channels + "x" + height + "x" + width);
        }
    }

    /** Values per image. */
    public int imageSize() {
        return channels * height * width;
    }

    /** C x H x W, as messages write it. */
    public String shapeText() {
        return channels + "x" + height + "x" + width;
    }

    /**
     * Writes 8-bit pixels as the model's inputs, pixel/255, into {@code pixels} from {@code offset}: how every
     * reader of images to encode (IDX files, NumPy arrays, pictures) makes them.
     */
    static void putIntensities(byte[] bytes, int count, float[] pixels, int offset) {
        for (int i = 0; i < count; i++) {
            pixels[offset + i] = (bytes[i] & 0xff) / 255f;
        }
    }

    /** The first {@code n} images. */
    public Images first(int n) {
        float[] head = new float[n * imageSize()];
        System.arraycopy(pixels, 0, head, 0, head.length);
        return new Images(head, n, channels, height, width);
    }
}
