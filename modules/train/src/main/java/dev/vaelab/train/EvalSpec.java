package dev.vaelab.train;

import dev.vaelab.core.config.ConfigMap;
import java.util.List;

/**
 * The {@code eval:} section.
 *
 * @param iwSamples importance samples per test example for {@code test/nll_iw}, 0 to skip it (the default)
 * @param batchSize examples per evaluation batch (default 500)
 */
public record EvalSpec(int iwSamples, int batchSize) {
    private static final List<String> KEYS = List.of("iw_samples", "batch_size");

    /** Reads and validates the section. */
    public static EvalSpec parse(ConfigMap eval) {
        eval.allowOnly(KEYS);
        return new EvalSpec(eval.intAtLeast("iw_samples", 0, 0), eval.positiveInt("batch_size", 500));
    }
}
