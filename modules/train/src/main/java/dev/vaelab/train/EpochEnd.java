package dev.vaelab.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The end of one epoch: the epoch's report, which the loop opens with {@code epoch} and
 * {@code train/epoch_seconds} and the evaluations fill, the KL per latent dimension once a
 * validation measured it, and the listeners' checkpoint counters.
 */
public final class EpochEnd {
    private final int epoch;
    private final long step;
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final Map<String, Double> listenerState;
    private double[] klPerDim;

    EpochEnd(int epoch, long step, double seconds, Map<String, Double> listenerState) {
        this.epoch = epoch;
        this.step = step;
        this.listenerState = Collections.unmodifiableMap(new LinkedHashMap<>(listenerState));
        metrics.put("epoch", (double) epoch);
        metrics.put("train/epoch_seconds", seconds);
    }

    public int epoch() {
        return epoch;
    }

    /** Updates done when the epoch ended. */
    public long step() {
        return step;
    }

    /** The epoch's metrics, in the order they are logged. */
    public Map<String, Double> metrics() {
        return metrics;
    }

    public Optional<double[]> klPerDim() {
        return Optional.ofNullable(klPerDim);
    }

    public void setKlPerDim(double[] klPerDim) {
        this.klPerDim = klPerDim.clone();
    }

    /** Every listener's {@link TrainingListener#state()}, for the checkpoint. */
    public Map<String, Double> listenerState() {
        return listenerState;
    }
}
