package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.spec.ComponentSpec;
import org.junit.jupiter.api.Test;

class RunPlanTest {
    private static TrainSpec train(int epochs, int batchSize, int stepsPerCall, long maxSteps) {
        return new TrainSpec(epochs, batchSize, (ComponentSpec) null, 0, stepsPerCall, maxSteps);
    }

    @Test
    void fullEpochsOfFullBatchesInCallsOfAtMostAHundredByDefault() {
        RunPlan plan = RunPlan.of(train(3, 128, 0, 0), "mnist", 55_000);
        assertEquals(new RunPlan(128, 429, 1287, 3, 100), plan);
        assertEquals(429, plan.stepsIn(3));
    }

    @Test
    void maxStepsEndsTheRunInsideAnEpoch() {
        RunPlan plan = RunPlan.of(train(5, 10, 7, 23), "tiny", 100);
        assertEquals(new RunPlan(10, 10, 23, 3, 7), plan);
        assertEquals(10, plan.stepsIn(2));
        assertEquals(3, plan.stepsIn(3));
    }

    @Test
    void aCallNeverSpansMoreThanAnEpoch() {
        assertEquals(4, RunPlan.of(train(1, 25, 50, 0), "tiny", 100).stepsPerCall());
    }

    @Test
    void aBatchLargerThanTheDataIsADataError() {
        var e = assertThrows(DataException.class, () -> RunPlan.of(train(1, 20_000, 0, 0), "mnist", 10_000));
        assertEquals("mnist: the training split has 10000 examples, fewer than one batch of 20000; lower "
                + "train.batch_size or data.validation", e.getMessage());
    }
}
