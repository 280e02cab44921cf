package dev.vaelab.data;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * The training batches of one epoch, and writers that fill chunks of them into buffers.
 *
 * <p>Fills write {@code steps} consecutive batches as {@code [steps, batchSize, C*H*W]} (or
 * {@code [steps, batchSize, K]} for one-hot labels) starting at the buffer's position, and leave its
 * position and limit unchanged so that it can go to the runtime as is. They allocate nothing. Under
 * dynamic binarization, an image's sample is a function of (seed, epoch, example index) only, so an
 * epoch filled in any chunking gives the same numbers. A plan is not thread-safe.
 */
public final class EpochPlan {
    private final int epoch;
    private final int[] order;
    private final int batches;
    private final int batchSize;
    private final BatchWriter writer;
    private final boolean dynamic;
    private final long epochKey;

    EpochPlan(int epoch, int[] order, int batches, int batchSize, BatchWriter writer, boolean dynamic, long epochKey) {
        this.epoch = epoch;
        this.order = order;
        this.batches = batches;
        this.batchSize = batchSize;
        this.writer = writer;
        this.dynamic = dynamic;
        this.epochKey = epochKey;
    }

    public int epoch() {
        return epoch;
    }

    /** Full batches in this epoch; the examples after the last one are left out. */
    public int batches() {
        return batches;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The training-set index of row {@code row} of batch {@code batch}. */
    public int example(int batch, int row) {
        Objects.checkIndex(batch, batches);
        Objects.checkIndex(row, batchSize);
        return order[batch * batchSize + row];
    }

    /**
     * Writes the images of batches {@code [firstBatch, firstBatch + steps)} as {@code [steps,
     * batchSize, C*H*W]} bytes whose value over 255 is the pixel intensity (binary pixels are 0 and
     * 255). Bytes are a quarter of the floats' size and each image is one copy, not a conversion;
     * the training graph scales them.
     */
    public void fillImages(ByteBuffer out, int firstBatch, int steps) {
        Objects.checkFromIndexSize(firstBatch, steps, batches);
        int size = writer.imageSize();
        BatchWriter.requireRoom(out, steps * batchSize, size);
        int at = out.position();
        int end = (firstBatch + steps) * batchSize;
        for (int k = firstBatch * batchSize; k < end; k++, at += size) {
            int example = order[k];
            if (dynamic) {
                writer.sampledImageBytes(out, at, example, Bernoulli.exampleKey(epochKey, example));
            } else {
                writer.imageBytes(out, at, example);
            }
        }
    }

    /** Writes the labels of batches {@code [firstBatch, firstBatch + steps)} as one-hot {@code [steps, batchSize, K]} floats. */
    public void fillOneHot(FloatBuffer out, int firstBatch, int steps) {
        Objects.checkFromIndexSize(firstBatch, steps, batches);
        writer.requireLabels();
        int k = writer.numClasses();
        BatchWriter.requireRoom(out, steps * batchSize, k);
        int at = out.position();
        int end = (firstBatch + steps) * batchSize;
        for (int i = firstBatch * batchSize; i < end; i++, at += k) {
            writer.oneHot(out, at, order[i]);
        }
    }
}
