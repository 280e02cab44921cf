package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import java.nio.FloatBuffer;

/**
 * Writes images and one-hot labels of one image set into float buffers, through preallocated rows so
 * that each image is one bulk copy into the (usually direct) buffer. Not thread-safe.
 */
final class BatchWriter {
    private static final float[] SCALE = new float[256];

    static {
        for (int k = 0; k < 256; k++) {
            SCALE[k] = k / 255f;
        }
    }

    private final ImageSet images;
    private final String setName;
    private final float[] row;
    private final float[] oneHot;

    BatchWriter(ImageSet images, String setName) {
        this.images = images;
        this.setName = setName;
        this.row = new float[images.imageSize()];
        this.oneHot = new float[Math.max(1, images.numClasses())];
    }

    int imageSize() {
        return row.length;
    }

    int numClasses() {
        return images.numClasses();
    }

    /** Image {@code example} as {@code pixel / 255} at absolute index {@code at} of {@code out}. */
    void image(FloatBuffer out, int at, int example) {
        byte[] src = images.pixelArray();
        int from = images.offset(example);
        for (int j = 0; j < row.length; j++) {
            row[j] = SCALE[src[from + j] & 0xff];
        }
        out.put(at, row, 0, row.length);
    }

    /** A Bernoulli sample of image {@code example}, keyed by {@code key}, at absolute index {@code at} of {@code out}. */
    void sampledImage(FloatBuffer out, int at, int example, long key) {
        Bernoulli.sample(images.pixelArray(), images.offset(example), row.length, key, row);
        out.put(at, row, 0, row.length);
    }

    /** The label of {@code example} as a one-hot row at absolute index {@code at} of {@code out}. */
    void oneHot(FloatBuffer out, int at, int example) {
        int label = images.rawLabel(example);
        oneHot[label] = 1f;
        out.put(at, oneHot, 0, oneHot.length);
        oneHot[label] = 0f;
    }

    /** Fails unless the set has labels. */
    void requireLabels() {
        if (!images.hasLabels()) {
            throw new DataException(setName + " has no labels, so a conditional model cannot train on it; use a labelled dataset such as mnist or fashion-mnist");
        }
    }

    /** Fails unless {@code out} has room for {@code rows} rows of {@code width} floats after its position; the message is built only on failure. */
    static void requireRoom(FloatBuffer out, int rows, int width) {
        long values = (long) rows * width;
        if (out.remaining() < values) {
            throw new IllegalArgumentException(rows + " rows of " + width + " floats need " + values + " but the buffer has "
                    + out.remaining() + " after its position");
        }
    }
}
