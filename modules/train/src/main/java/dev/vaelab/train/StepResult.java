package dev.vaelab.train;

import java.util.Map;

/**
 * One update as the listeners see it.
 *
 * @param step the update's number, from 1
 * @param epoch the epoch it belongs to, from 1
 * @param chunkMetrics the engine call's per-step metric values (shared by the steps of the call)
 * @param index this step's position in {@code chunkMetrics}
 * @param nanos this step's share of the call's wall time
 */
public record StepResult(long step, int epoch, Map<String, float[]> chunkMetrics, int index, double nanos) {
    /** The step's loss. */
    public float loss() {
        return value("loss");
    }

    /** The step's value of metric {@code name}. */
    public float value(String name) {
        return chunkMetrics.get(name)[index];
    }
}
