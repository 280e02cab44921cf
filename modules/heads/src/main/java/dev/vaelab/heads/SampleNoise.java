package dev.vaelab.heads;

import dev.vaelab.onnx.graph.Tensor;
import java.util.SplittableRandom;

/**
 * The noise a head's sampler transforms, both [N, D] like the image: {@code uniform} in the open
 * interval (0, 1) and {@code normal} standard normal. Each head uses the one its sampler needs.
 */
public record SampleNoise(Tensor uniform, Tensor normal) {
    private static final double TWO_TO_24 = 1 << 24;

    /**
     * Fills {@code out} with uniform draws strictly inside (0, 1) that are exact in single
     * precision: (2k + 1)/2^24 for a uniform integer k below 2^23, the midpoints of 2^23 equal
     * cells, so no draw rounds to 0 or 1.
     */
    public static void fillUniform(SplittableRandom random, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((2.0 * random.nextInt(1 << 23) + 1) / TWO_TO_24);
        }
    }

    /** The same draws in double precision. */
    public static void fillUniform(SplittableRandom random, double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (2.0 * random.nextInt(1 << 23) + 1) / TWO_TO_24;
        }
    }
}
