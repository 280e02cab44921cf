package dev.vaelab.train;

import dev.vaelab.core.config.ConfigMap;
import java.util.List;

/**
 * The {@code eval:} section.
 *
 * @param iwSamples importance samples per test image for {@code test/nll_iw}, 0 for none (the default)
 * @param batchSize images per evaluation batch (default 500)
 * @param disentanglementSamples test images (a seeded sample) on which the disentanglement metrics of
 *     a dataset with ground-truth factors are computed, {@code eval.disentanglement.samples}
 *     (default 10000, the whole test split when it is smaller; 0 turns them off)
 */
public record EvalSpec(int iwSamples, int batchSize, int disentanglementSamples) {
    /** The sample size of disentanglement_lib's evaluations, also used by Locatello et al. (2019). */
    public static final int DEFAULT_DISENTANGLEMENT_SAMPLES = 10_000;

    private static final List<String> KEYS = List.of("iw_samples", "batch_size", "disentanglement");
    private static final List<String> DISENTANGLEMENT_KEYS = List.of("samples");

    /** A section without disentanglement settings: the default sample size. */
    public EvalSpec(int iwSamples, int batchSize) {
        this(iwSamples, batchSize, DEFAULT_DISENTANGLEMENT_SAMPLES);
    }

    /** Reads and validates the section. */
    public static EvalSpec parse(ConfigMap eval) {
        eval.allowOnly(KEYS);
        // read only when written, so that the resolved config (and the run names hashed from it) of
        // files without the key stay what they were
        int samples = DEFAULT_DISENTANGLEMENT_SAMPLES;
        var disentanglement = eval.optionalMap("disentanglement");
        if (disentanglement.isPresent()) {
            disentanglement.get().allowOnly(DISENTANGLEMENT_KEYS);
            samples = disentanglement.get().intAtLeast("samples", 0, DEFAULT_DISENTANGLEMENT_SAMPLES);
        }
        return new EvalSpec(eval.intAtLeast("iw_samples", 0, 0), eval.positiveInt("batch_size", 500), samples);
    }
}
