package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Writes images and one-hot labels of one image set into (usually direct) buffers, each image as one
 * bulk copy: pixels as bytes straight from the set (its heap array or its map), or as floats through
 * a preallocated row. Not thread-safe.
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
    private final byte[] sampledRow;
    /** One image's bytes, for sets whose pixels are not in a heap array. */
    private final byte[] greyRow;
    private final float[] oneHot;

    BatchWriter(ImageSet images, String setName) {
        this.images = images;
        this.setName = setName;
        this.row = new float[images.imageSize()];
        this.sampledRow = new byte[images.imageSize()];
        this.greyRow = images.pixelArray() == null ? new byte[images.imageSize()] : null;
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
        int from;
        if (src == null) {
            images.copyImage(example, greyRow, 0);
            src = greyRow;
            from = 0;
        } else {
            from = images.offset(example);
        }
        for (int j = 0; j < row.length; j++) {
            row[j] = SCALE[src[from + j] & 0xff];
        }
        out.put(at, row, 0, row.length);
    }

    /** Image {@code example}'s pixel bytes (intensity = byte / 255) at absolute index {@code at} of {@code out}. */
    void imageBytes(ByteBuffer out, int at, int example) {
        images.putImage(example, out, at);
    }

    /** A Bernoulli sample of image {@code example}, keyed by {@code key}, as bytes 0 and 255 at absolute index {@code at} of {@code out}. */
    void sampledImageBytes(ByteBuffer out, int at, int example, long key) {
        byte[] src = images.pixelArray();
        if (src == null) {
            images.copyImage(example, greyRow, 0);
            Bernoulli.sample(greyRow, 0, greyRow.length, key, sampledRow, 0);
        } else {
            Bernoulli.sample(src, images.offset(example), sampledRow.length, key, sampledRow, 0);
        }
        out.put(at, sampledRow, 0, sampledRow.length);
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

    /** Fails unless {@code out} has room for {@code rows} rows of {@code width} values after its position; the message is built only on failure. */
    static void requireRoom(Buffer out, int rows, int width) {
        long values = (long) rows * width;
        if (out.remaining() < values) {
            throw new IllegalArgumentException(rows + " rows of " + width + " values need " + values + " but the buffer has "
                    + out.remaining() + " after its position");
        }
    }
}
