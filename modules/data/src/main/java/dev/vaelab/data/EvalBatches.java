package dev.vaelab.data;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Evaluation batches over every image of a set, in order and without resampling: the last batch is
 * partial when the count is not a multiple of the batch size. Fills write at the buffer's position,
 * leave position and limit unchanged, allocate nothing, and are not thread-safe.
 */
public final class EvalBatches {
    private final ImageSet images;
    private final int batchSize;
    private final BatchWriter writer;

    /**
     * @param images a split of a prepared dataset (see {@link Binarizer}), used as it is
     * @param batchSize examples per batch, the last one possibly fewer
     */
    public EvalBatches(ImageSet images, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        this.images = images;
        this.batchSize = batchSize;
        this.writer = new BatchWriter(images, "the evaluation set");
    }

    /** Examples in the set. */
    public int count() {
        return images.count();
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches covering every example, {@code ceil(count / batchSize)}. */
    public int batches() {
        return (images.count() + batchSize - 1) / batchSize;
    }

    /** Examples in batch {@code batch}: {@code batchSize}, or fewer for the last one. */
    public int batchLength(int batch) {
        Objects.checkIndex(batch, batches());
        return Math.min(batchSize, images.count() - batch * batchSize);
    }

    /**
     * Writes the images of batches {@code [firstBatch, firstBatch + steps)} back to back as
     * {@code pixel / 255} floats, {@code C*H*W} per example.
     *
     * @return the number of examples written
     */
    public int fillImages(FloatBuffer out, int firstBatch, int steps) {
        int from = firstExample(firstBatch, steps);
        int n = exampleCount(firstBatch, steps);
        int size = writer.imageSize();
        BatchWriter.requireRoom(out, n, size);
        int at = out.position();
        for (int i = from; i < from + n; i++, at += size) {
            writer.image(out, at, i);
        }
        return n;
    }

    /**
     * Writes the labels of batches {@code [firstBatch, firstBatch + steps)} back to back as one-hot rows of K floats.
     *
     * @return the number of examples written
     */
    public int fillOneHot(FloatBuffer out, int firstBatch, int steps) {
        writer.requireLabels();
        int from = firstExample(firstBatch, steps);
        int n = exampleCount(firstBatch, steps);
        int k = writer.numClasses();
        BatchWriter.requireRoom(out, n, k);
        int at = out.position();
        for (int i = from; i < from + n; i++, at += k) {
            writer.oneHot(out, at, i);
        }
        return n;
    }

    private int firstExample(int firstBatch, int steps) {
        Objects.checkFromIndexSize(firstBatch, steps, batches());
        return firstBatch * batchSize;
    }

    private int exampleCount(int firstBatch, int steps) {
        return Math.min(steps * batchSize, images.count() - firstBatch * batchSize);
    }
}
