package dev.vaelab.train;

import dev.vaelab.core.error.DataException;

/**
 * How many updates a run makes and how they are cut: {@code train.max_steps} can end the run
 * inside its last epoch, and an engine call runs at most {@code stepsPerCall} updates, never
 * across an epoch's end.
 *
 * @param batchSize examples per update
 * @param stepsPerEpoch updates per full epoch
 * @param totalSteps updates of the whole run
 * @param lastEpoch the epoch (from 1) in which the run ends
 * @param stepsPerCall the most updates per engine call
 */
public record RunPlan(int batchSize, int stepsPerEpoch, long totalSteps, int lastEpoch, int stepsPerCall) {
    private static final int DEFAULT_STEPS_PER_CALL = 100;

    /** The plan of {@code train} over the {@code examples} training examples of dataset {@code dataset}. */
    public static RunPlan of(TrainSpec train, String dataset, int examples) {
        int batchSize = train.batchSize();
        int stepsPerEpoch = examples / batchSize;
        if (stepsPerEpoch < 1) {
            throw new DataException(dataset + ": the training split has " + examples + " examples, fewer than one batch of "
                    + batchSize + "; lower train.batch_size or data.validation");
        }
        long fullRun = (long) stepsPerEpoch * train.epochs();
        long totalSteps = train.maxSteps() > 0 ? Math.min(train.maxSteps(), fullRun) : fullRun;
        int lastEpoch = (int) ((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
        int stepsPerCall = Math.min(train.stepsPerCall() > 0 ? train.stepsPerCall() : DEFAULT_STEPS_PER_CALL,
                stepsPerEpoch);
        return new RunPlan(batchSize, stepsPerEpoch, totalSteps, lastEpoch, stepsPerCall);
    }

    /** The updates of epoch {@code epoch} (from 1): a full epoch's, or fewer in a cut-short last one. */
    public int stepsIn(int epoch) {
        return (int) Math.min(stepsPerEpoch, totalSteps - (long) (epoch - 1) * stepsPerEpoch);
    }
}
