package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.random.RandomStreams;
import java.util.SplittableRandom;

/**
 * Plans the training batches of each epoch: a seeded shuffle and a fixed number of full batches.
 *
 * <p>The engine needs one batch size for every step, so each epoch takes {@code count / batchSize}
 * full batches and leaves out the last partial one; PyTorch's DataLoader keeps it by default, but
 * since the order is reshuffled every epoch, every example is still seen equally often in expectation.
 * Evaluation uses {@link EvalBatches}, which covers every example.
 */
public final class BatchPlanner {
    private final Dataset data;
    private final int batchSize;
    private final RandomStreams streams;

    /**
     * @param data a prepared dataset (see {@link Binarizer}); its training images are batched
     * @param batchSize examples per batch
     * @param streams the run's random streams: {@code ("shuffle", epoch)} and, for dynamic binarization, {@code ("binarize", epoch)}
     */
    public BatchPlanner(Dataset data, int batchSize, RandomStreams streams) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        if (data.train().count() < batchSize) {
            throw new DataException(data.name() + ": the training split has " + data.train().count()
                    + " examples, fewer than one batch of " + batchSize + "; lower train.batch_size or data.validation");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.streams = streams;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Full batches per epoch, {@code floor(count / batchSize)}. */
    public int batchesPerEpoch() {
        return data.train().count() / batchSize;
    }

    /** Training examples, including those an epoch leaves out. */
    public int examples() {
        return data.train().count();
    }

    /** Floats per image, {@code C*H*W}. */
    public int imageSize() {
        return data.train().imageSize();
    }

    /** Floats per one-hot label, the number of classes. */
    public int numClasses() {
        return data.numClasses();
    }

    /** The plan of epoch {@code epoch}: its order from {@code ("shuffle", epoch)}, and its binarization. */
    public EpochPlan epoch(int epoch) {
        int[] order = RandomStreams.permutation(data.train().count(), streams.stream("shuffle", epoch));
        boolean dynamic = data.binarization() == Binarization.DYNAMIC;
        long epochKey = dynamic ? streams.stream("binarize", epoch).nextLong() : 0L;
        return new EpochPlan(epoch, order, batchesPerEpoch(), batchSize, new BatchWriter(data.train(), data.name()), dynamic, epochKey);
    }
}
