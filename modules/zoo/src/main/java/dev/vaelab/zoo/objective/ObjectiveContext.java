package dev.vaelab.zoo.objective;

import dev.vaelab.zoo.schedule.ScheduleContext;

/**
 * What an objective needs to know about the run: the batch size and latent size (the shapes of its
 * step inputs), the number of training examples N (estimators over the aggregate posterior weigh
 * the batch by it) and the run's length for its schedules.
 */
public record ObjectiveContext(int batchSize, int latentDim, long trainingExamples, ScheduleContext schedule) {
    public ObjectiveContext {
        if (batchSize < 1 || latentDim < 1 || trainingExamples < 1) {
            throw new IllegalArgumentException("batch size, latent size and examples must be positive: " + batchSize
                    + ", " + latentDim + ", " + trainingExamples);
        }
    }
}
